using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Sessions.State;
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
        var options = new SessionOptions("SessionCluster", "Chrome", onlineOnConnect: false);

        var aliceCreated = Assert.IsType<Created>(await region.Ask<Reply>(new Create(alice, options), SessionNodes.Timeout));
        Assert.IsType<Created>(await region.Ask<Reply>(new Create(bob, options), SessionNodes.Timeout));
        var aliceStatus = Assert.IsType<StatusReply>(await region.Ask<Reply>(new GetStatus(alice), SessionNodes.Timeout));
        var carol = await region.Ask<Reply>(new GetStatus(new SessionId("carol")), SessionNodes.Timeout);

        Assert.Equal(aliceCreated.Status, aliceStatus.Status);
        Assert.Equal(alice, aliceStatus.SessionId);
        Assert.IsType<NotFound>(carol);
        Assert.Equal(region, Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(SessionRegion.Name));
    }

    [Fact]
    public async Task A_remembered_session_starts_again_with_the_node_and_a_wrong_key_is_logged_once_without_a_restart_loop()
    {
        var first = _nodes.Start(cluster: true);
        await JoinSelfAsync(first);
        var alice = new SessionId("alice");
        Assert.IsType<Created>(await SessionRegion.Start(first, _nodes.Dependencies())
            .Ask<Reply>(new Create(alice, new SessionOptions("SessionCluster", "Chrome", false)), SessionNodes.Timeout));
        await SessionNodes.StopAsync(first);

        // The next node start on the same journal holds a different key. No message is sent: the shard starts the
        // remembered session itself, whose recovery finds the key wrong.
        var wrongKey = SecretKey.Generate(System.Security.Cryptography.RandomNumberGenerator.Create());
        var second = _nodes.Start(cluster: true);
        await JoinSelfAsync(second);
        var region = SessionRegion.Start(second, _nodes.Dependencies(wrongKey));
        var until = DateTime.UtcNow + SessionNodes.Timeout;
        while (_nodes.Logs.Count(1500) == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        Assert.Equal(1, _nodes.Logs.Count(1500));
        var status = Assert.IsType<StatusReply>(await region.Ask<Reply>(new GetStatus(alice), SessionNodes.Timeout)).Status;
        Assert.Equal(SecretsFailure.WrongKey, status.SecretsFailure);
        // The test nodes restart a stopped remembered entity after 200 ms (SessionNodes): had the session stopped, it
        // would have been started, failed and logged again many times by now.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, _nodes.Logs.Count(1500));
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
