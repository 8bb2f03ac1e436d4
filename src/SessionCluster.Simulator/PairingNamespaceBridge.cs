// The pairing crypto lives in SessionCluster.Protocol.Pairing. Accounts/ and DeviceLists.cs, which the LID branch
// changes at the same time, still import SessionCluster.Simulator.Pairing; this global using and the empty namespace
// keep them building unedited. Once that branch is merged, change their usings and delete this file.
global using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Simulator.Pairing
{
}
