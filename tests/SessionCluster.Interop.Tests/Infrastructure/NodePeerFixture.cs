namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// One peer process shared by all tests of a class (xunit <c>IClassFixture</c>), so a test class
/// pays for Node's start-up and module loading once. Subclass it per peer script:
/// <code>public sealed class NoisePeerFixture : NodePeerFixture { protected override string Script => "noise-peer.mjs"; }</code>
/// A peer that fails to start fails every test of the class with the reason.
/// </summary>
public abstract class NodePeerFixture : IAsyncLifetime
{
    private NodePeer? _peer;

    /// <summary>The started peer; available once xunit has initialized the fixture.</summary>
    public NodePeer Peer => _peer ?? throw new InvalidOperationException($"{GetType().Name} has not been initialized.");

    /// <summary>The script in tests/Interop to run.</summary>
    protected abstract string Script { get; }

    /// <summary>Start options; override to pass environment variables or longer timeouts.</summary>
    protected virtual NodePeerOptions Options => NodePeerOptions.Default;

    public async Task InitializeAsync() => _peer = await NodePeer.StartAsync(Script, Options);

    public async Task DisposeAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync();
        }
    }
}
