using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>One signal-peer.mjs process (libsignal-node and Baileys' group classes) for a test class; tests make fresh parties in it.</summary>
public sealed class SignalPeerFixture : NodePeerFixture
{
    public LibsignalNode Node => new(Peer);

    protected override string Script => "signal-peer.mjs";
}

/// <summary>One libsignal-client-peer.mjs process (@signalapp/libsignal-client) for a test class.</summary>
public sealed class LibsignalClientPeerFixture : NodePeerFixture
{
    public LibsignalClient Client => new(Peer);

    protected override string Script => "libsignal-client-peer.mjs";
}
