// The pairing crypto and the shared stanza vocabulary live in SessionCluster.Protocol (Pairing/, Stanzas/).
// Accounts/AccountFilePreKeyTests.cs and Relay/BundleAndUsyncTests.cs, which the LID branch changes at the same time,
// still import SessionCluster.Simulator.Pairing; these global usings and the empty namespace keep them building unedited.
// Once that branch is merged, give them their new usings and delete this file.
global using SessionCluster.Protocol.Pairing;
global using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Simulator.Pairing
{
}
