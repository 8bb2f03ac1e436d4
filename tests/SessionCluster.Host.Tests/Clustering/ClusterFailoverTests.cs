using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// Three node processes on one PostgreSQL database with sessions linked to the simulator and inbound traffic running;
/// one node is killed with SIGKILL (no shutdown, no handoff): its sessions must come back on the other two by
/// themselves, each within the failover budget, and every text sent meanwhile must arrive once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ClusterFailoverTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Sessions = 6;

    [Fact]
    public async Task After_a_kill_9_the_dead_nodes_sessions_reconnect_on_the_others_within_15_s_and_no_text_is_lost_or_doubled()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(ClusterFailoverTests));
        var nodes = await rig.StartNodesAsync(3);

        var sessions = await rig.LinkSessionsAsync(nodes[0], "fo", "1555300", Sessions);

        const string Friend = "15553999999";
        await rig.CreateAccountAsync(Friend);

        var hosts = sessions.ToDictionary(s => s.Session, s => NodeLogs.HostOf(nodes, s.Phone));
        var victim = nodes.OrderByDescending(n => hosts.Values.Count(h => h == n)).First();
        var survivor = nodes.First(n => n != victim);
        var moved = hosts.Where(h => h.Value == victim).Select(h => h.Key).ToList();
        output.WriteLine($"hosts: {string.Join(", ", hosts.Select(h => $"{h.Key}@node{h.Value?.Index}"))}; killing node {victim.Index}");
        Assert.True(moved.Count > 0, "no session on the victim. Node outputs:\n" + string.Join("\n----\n", nodes.Select(n => n.Tail(40))));

        var traffic = new TrafficRun(rig, Friend, sessions, TimeSpan.FromMilliseconds(100));
        traffic.Start();
        await Task.Delay(TimeSpan.FromSeconds(2));

        var killedAt = DateTimeOffset.UtcNow;
        await victim.Process.SignalAsync("KILL");

        var failovers = new List<TimeSpan>();
        foreach (var session in moved)
        {
            var connectedAt = await ClusterRig.Eventually(async () =>
            {
                var at = TrafficRun.FirstAfter(await survivor.EventsAsync(session), "connected", killedAt);
                return at is { } value ? (object)value : null;
            }, $"{session} connected again after the kill. Survivor output:\n{survivor.Tail()}");
            failovers.Add((DateTimeOffset)connectedAt - killedAt);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        await traffic.StopAsync();
        await traffic.AssertEachReceivedOnceAsync(survivor);

        foreach (var line in survivor.Process.Output.Split('\n').Where(l => Timeline().IsMatch(l)))
        {
            output.WriteLine(line);
        }

        var sorted = failovers.OrderBy(f => f).ToList();
        var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Count) - 1];
        output.WriteLine($"failover of {moved.Count} sessions: {string.Join(", ", sorted.Select(f => $"{f.TotalSeconds:F1} s"))}; p99 {p99.TotalSeconds:F1} s; {traffic.Sent} texts sent");
        Assert.True(p99 <= TimeSpan.FromSeconds(15), $"failover p99 {p99.TotalSeconds:F1} s exceeds 15 s: {string.Join(", ", sorted.Select(f => $"{f.TotalSeconds:F1}"))}");
    }

    /// <summary>The survivor's log lines that explain a failover's timing: detection, downing, the coordinator, the sessions.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("unreachable|Unreachable|SBR|down|Down|oldest|Singleton|[Cc]oordinator|[Ll]ease|: connected\\.")]
    private static partial System.Text.RegularExpressions.Regex Timeline();

}
