using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using SessionCluster.Host.Clustering;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// The cluster-wide reconnect cap: each sessions node's limiter runs at the cap divided by the sessions nodes that
/// are up, retuned as members come and go (edge-only members take no share).
/// </summary>
public sealed class ReconnectShareTests
{
    [Theory]
    [InlineData(200, 0, 200)]
    [InlineData(200, 1, 200)]
    [InlineData(200, 3, 66.667)]
    [InlineData(60, 4, 15)]
    public void A_nodes_share_is_the_cap_over_the_sessions_nodes_up(double cap, int nodes, double share) =>
        Assert.Equal(share, ReconnectShareActor.ShareOf(cap, nodes), precision: 3);

    [Fact]
    public async Task Two_sessions_nodes_and_an_edge_node_give_each_sessions_node_half_the_cap_and_a_leaving_node_gives_its_half_back()
    {
        var first = Member(["sessions", "edge"]);
        var second = Member(["sessions"]);
        var edge = Member(["edge"]);
        try
        {
            var limiter = new ConnectionStartLimiter(1, 1, TimeProvider.System);
            first.ActorOf(ReconnectShareActor.Props(limiter, 100, "sessions"));
            var firstCluster = Akka.Cluster.Cluster.Get(first);
            firstCluster.Join(firstCluster.SelfAddress);
            await WaitAsync(() => limiter.PerSecond == 100, "the only sessions node takes the whole cap");

            Akka.Cluster.Cluster.Get(second).Join(firstCluster.SelfAddress);
            Akka.Cluster.Cluster.Get(edge).Join(firstCluster.SelfAddress);
            await WaitAsync(() => firstCluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 3, "three members up");
            await WaitAsync(() => limiter.PerSecond == 50, "two sessions nodes (the edge-only node takes no share): 50 each");

            await Akka.Cluster.Cluster.Get(second).LeaveAsync();
            await WaitAsync(() => limiter.PerSecond == 100, "the sessions node left: the whole cap again");
        }
        finally
        {
            await Task.WhenAll(first.Terminate(), second.Terminate(), edge.Terminate());
        }
    }

    private static ActorSystem Member(string[] roles) => ActorSystem.Create("sessioncluster", ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.roles = [{{string.Join(", ", roles.Select(r => $"\"{r}\""))}}]
        akka.loglevel = WARNING
        """));

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Waited 30 s for: {what}");
            await Task.Delay(100);
        }
    }
}
