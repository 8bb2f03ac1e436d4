using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>What every capability test class has: its node's ActorSystems on one journal (all removed at the end) and Bob's number.</summary>
public abstract class CapabilityTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Another account on the simulator: the peer whose phone sees Alice's presence, messages and calls.</summary>
    protected const string BobPhone = "15550002222";

    private protected SessionNodes Nodes { get; } = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Nodes.DisposeAsync();
}
