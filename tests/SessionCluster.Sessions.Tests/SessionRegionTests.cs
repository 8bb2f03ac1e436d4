using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests;

/// <summary>The session shard region on a one-node cluster: commands reach the session named by their id.</summary>
public sealed class SessionRegionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task Create_and_GetStatus_through_the_region_reach_the_session_named_by_the_id()
    {
        var system = _nodes.Start(cluster: true);
        await JoinSelfAsync(system);
        var region = SessionRegion.Start(system, _nodes.Dependencies());
        var alice = new SessionId("alice");
        var bob = new SessionId("bob");
        var options = new SessionOptions("SessionCluster", "Chrome", OnlineOnConnect: false);

        var aliceCreated = Assert.IsType<Created>(await region.Ask<Reply>(new Create(alice, options), SessionNodes.Timeout));
        Assert.IsType<Created>(await region.Ask<Reply>(new Create(bob, options), SessionNodes.Timeout));
        var aliceStatus = Assert.IsType<StatusReply>(await region.Ask<Reply>(new GetStatus(alice), SessionNodes.Timeout));
        var carol = await region.Ask<Reply>(new GetStatus(new SessionId("carol")), SessionNodes.Timeout);

        Assert.Equal(aliceCreated.Status, aliceStatus.Status);
        Assert.Equal(alice, aliceStatus.SessionId);
        Assert.IsType<NotFound>(carol);
        Assert.Equal(region, Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(SessionRegion.Name));
    }

    private static async Task JoinSelfAsync(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(SessionNodes.Timeout);
    }
}
