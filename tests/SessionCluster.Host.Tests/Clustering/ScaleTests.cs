using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// Scaling out from 3 to 4 nodes and back in to 3 while traffic runs: the coordinator rebalances shards onto the new
/// node (within the per-round limits of hocon/sessioncluster.conf), the node's graceful stop hands them back, and no
/// text is lost or doubled through either move.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScaleTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Scaling_3_to_4_rebalances_sessions_onto_the_new_node_and_4_to_3_hands_them_back_with_no_text_lost_or_doubled()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(ScaleTests));
        var nodes = await rig.StartNodesAsync(3);

        var sessions = await rig.LinkSessionsAsync(nodes[0], "sc", "1555320", 9);

        const string Friend = "15553299999";
        await rig.CreateAccountAsync(Friend);
        var traffic = new TrafficRun(rig, Friend, sessions, TimeSpan.FromMilliseconds(100));
        traffic.Start();

        var fourth = await rig.StartNodeAsync();
        await fourth.WaitReadyAsync();
        var arrived = await ClusterRig.Eventually(
            () => Task.FromResult(ConnectedCount(fourth) is var n and > 0 ? (object)n : null),
            "a rebalance to start sessions on the fourth node (after the regions settle for 30 s)", TimeSpan.FromSeconds(120));
        output.WriteLine($"sessions started on the fourth node by rebalancing: {arrived}");
        await Task.Delay(TimeSpan.FromSeconds(3));

        var exit = await fourth.Process.TerminateAsync();
        Assert.True(exit == 0, $"the fourth node exited with {exit}:\n{fourth.Tail()}");
        Assert.Contains("handed off", fourth.Process.Output, StringComparison.Ordinal);
        foreach (var (session, _) in sessions)
        {
            await ClusterRig.Eventually(async () => await nodes[0].StatusAsync(session) == "connected" ? "" : null, $"{session} connected after scaling in");
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        await traffic.StopAsync();
        await traffic.AssertEachReceivedOnceAsync(nodes[0]);
        output.WriteLine($"{traffic.Sent} texts sent while scaling 3 -> 4 -> 3, each received once");
    }

    private static int ConnectedCount(ClusterNode node) =>
        node.Process.Output.Split('\n').Count(l => l.Contains("SessionActor: Session ", StringComparison.Ordinal) && l.EndsWith(": connected.", StringComparison.Ordinal));
}
