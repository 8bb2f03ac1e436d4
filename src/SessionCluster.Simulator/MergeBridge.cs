// Pairing crypto and the stanza vocabulary both sides share moved to SessionCluster.Protocol (Pairing/, Stanzas/).
// Accounts/, DeviceLists.cs, PreKeyBundles.cs, Relay/, Groups/ and Phone/, which the LID branch changes at the same time,
// still find them through their old usings (SessionCluster.Simulator.Pairing, SessionCluster.Simulator.Connections,
// SessionCluster.Simulator.Stanzas); these global usings and the empty namespace keep them building unedited. Once that
// branch is merged, give those files their new usings and delete this file.
global using SessionCluster.Protocol.Pairing;
global using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Simulator.Pairing
{
}
