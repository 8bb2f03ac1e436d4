using System.Globalization;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// A rolling deploy of a new app version over 3 nodes while traffic runs, the way a Kubernetes Deployment with
/// maxSurge 1 and maxUnavailable 0 does it: a new-version node starts, then an old one stops gracefully, three times.
/// Sharding allocates the stopping node's shards to the newest version and does not rebalance while versions are
/// mixed, so each session moves at most once, onto a new node; each move is a clean handoff with a short gap.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RollingRestartTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_rolling_restart_to_a_new_version_moves_each_session_at_most_once_onto_a_new_node_with_a_gap_p99_under_3_s_and_no_text_lost_or_doubled()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(RollingRestartTests));
        var old = await rig.StartNodesAsync(3);

        var sessions = await rig.LinkSessionsAsync(old[0], "rr", "1555330", 6);

        const string Friend = "15553399999";
        await rig.CreateAccountAsync(Friend);
        var traffic = new TrafficRun(rig, Friend, sessions, TimeSpan.FromMilliseconds(100));
        traffic.Start();
        var upgraded = new List<ClusterNode>();

        // Sends through the API at the same time, through whichever node is newest: commands for a shard in handoff
        // are buffered by the region and reach the session on its new node.
        var outbound = new OutboundRun(rig, Friend, sessions.Select(s => s.Session).ToList(), () => upgraded.Count > 0 ? upgraded[^1] : old[^1], TimeSpan.FromMilliseconds(150));
        outbound.Start();

        foreach (var stopping in old)
        {
            var fresh = await rig.StartNodeAsync(appVersion: "1.1.0");
            await fresh.WaitReadyAsync();
            upgraded.Add(fresh);
            var exit = await stopping.Process.TerminateAsync();
            Assert.True(exit == 0, $"node {stopping.Index} exited with {exit}:\n{stopping.Tail()}");
            foreach (var (session, _) in sessions)
            {
                await ClusterRig.Eventually(async () => await fresh.StatusAsync(session) == "connected" ? "" : null, $"{session} connected after node {stopping.Index} stopped");
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        await traffic.StopAsync();
        await outbound.StopAsync();
        await traffic.AssertEachReceivedOnceAsync(upgraded[^1]);
        await outbound.AssertEachDeliveredOnceAsync();
        output.WriteLine($"{outbound.Accepted} sends accepted during the roll, {outbound.Retries.Count} calls retried: {string.Join("; ", outbound.Retries.Take(5))}");

        var all = rig.Nodes;
        var chains = sessions.ToDictionary(s => s.Session, s => NodeLogs.Moments(all, NodeLogs.InternalId(all, s.Phone)));
        foreach (var (session, moments) in chains)
        {
            output.WriteLine($"{session}: " + string.Join(" -> ", moments.Select(m => $"{(m.Connected ? "connected" : "handed off")} node{m.Node.Index}@{m.Time:HH:mm:ss.fff}")));
        }

        var gaps = new List<TimeSpan>();
        foreach (var (session, phone) in sessions)
        {
            var moments = chains[session];
            var connections = moments.Where(m => m.Connected).ToList();

            // Linked once on an old node, then at most one move, and a move lands on a new-version node.
            Assert.InRange(connections.Count, 1, 2);
            Assert.Contains(connections[^1].Node, connections.Count == 2 ? upgraded : old);
            if (connections.Count == 2)
            {
                var handedOff = moments.Last(m => !m.Connected && m.Time <= connections[1].Time);
                gaps.Add(connections[1].Time - handedOff.Time);
                if (gaps.Count == 1)
                {
                    // Where one handoff's time goes: the new node's lines from the handoff to the session's connection.
                    var id = NodeLogs.InternalId(all, phone);
                    var shard = $"shard-session-{SessionCluster.Sessions.SessionRegion.ShardIdOf(new SessionCluster.Sessions.SessionId(id))} ";
                    var from = handedOff.Time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
                    output.WriteLine($"handed off at {from} on node{handedOff.Node.Index}; on node{connections[1].Node.Index}:");
                    foreach (var line in connections[1].Node.Process.Output.Split('\n').Where(l => (l.Contains(id, StringComparison.Ordinal) || l.Contains(shard, StringComparison.Ordinal)) && string.CompareOrdinal(l, 1, from, 0, 12) >= 0).Take(12))
                    {
                        output.WriteLine("  " + line);
                    }
                }
            }
        }

        Assert.True(gaps.Count == sessions.Count, $"{gaps.Count} of {sessions.Count} sessions moved: every old node stopped, so every session must have moved once");
        var sorted = gaps.OrderBy(g => g).ToList();
        var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Count) - 1];
        output.WriteLine($"handoff gaps: {string.Join(", ", sorted.Select(g => $"{g.TotalSeconds:F2} s"))}; p99 {p99.TotalSeconds:F2} s; {traffic.Sent} texts");
        Assert.True(p99 <= TimeSpan.FromSeconds(3), $"per-session gap p99 {p99.TotalSeconds:F2} s exceeds 3 s");
    }
}
