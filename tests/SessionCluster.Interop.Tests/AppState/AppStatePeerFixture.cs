using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Interop.Tests.AppState;

/// <summary>One appstate-peer.mjs process (Baileys' chat-utils and whatsapp-rust-bridge) for the class.</summary>
public sealed class AppStatePeerFixture : NodePeerFixture
{
    protected override string Script => "appstate-peer.mjs";
}
