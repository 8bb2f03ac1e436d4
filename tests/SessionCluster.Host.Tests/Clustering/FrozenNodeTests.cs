using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// A node frozen with SIGSTOP for 60 s, then thawed with SIGCONT: the others down it and take its shards once its
/// leases expire; when it wakes it still believes it holds its sessions, but PostgreSQL refuses whatever they try to
/// write (the write fence), it never logs a device in again (the simulator's conflict count does not move after the
/// thaw: it never takes a connection back from the new owner), and it leaves by itself.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FrozenNodeTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_frozen_for_60_s_loses_its_sessions_to_the_others_and_after_it_thaws_its_writes_are_refused_it_never_reconnects_a_device_and_it_leaves()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(FrozenNodeTests));
        var nodes = await rig.StartNodesAsync(3);

        var sessions = await rig.LinkSessionsAsync(nodes[0], "fz", "1555340", 6);

        const string Friend = "15553499999";
        await rig.CreateAccountAsync(Friend);
        var hosts = sessions.ToDictionary(s => s.Session, s => NodeLogs.HostOf(nodes, s.Phone));
        var victim = nodes.Skip(1).OrderByDescending(n => hosts.Values.Count(h => h == n)).First();
        var survivor = nodes.First(n => n != victim);
        var moved = hosts.Where(h => h.Value == victim).Select(h => h.Key).ToList();
        Assert.True(moved.Count > 0, "no session on the node to freeze");

        var traffic = new TrafficRun(rig, Friend, sessions, TimeSpan.FromMilliseconds(100));
        traffic.Start();
        await Task.Delay(TimeSpan.FromSeconds(2));

        var frozenAt = DateTimeOffset.UtcNow;
        await victim.Process.SignalAsync("STOP");
        foreach (var session in moved)
        {
            try
            {
                await ClusterRig.Eventually(async () => TrafficRun.FirstAfter(await survivor.EventsAsync(session), "connected", frozenAt) is { } ? "" : null,
                    $"{session} connected on another node while node {victim.Index} is frozen");
            }
            catch (TimeoutException e)
            {
                // What the nodes said about the session and its shard since the freeze: where it got stuck.
                var phone = sessions.Single(s => s.Session == session).Phone;
                throw new TimeoutException(e.Message + "\n" + NodeLogs.AboutSession(nodes, phone, TimeOnly.FromDateTime(frozenAt.LocalDateTime)), e);
            }
        }

        output.WriteLine($"{moved.Count} sessions of the frozen node {victim.Index} moved within {(DateTimeOffset.UtcNow - frozenAt).TotalSeconds:F1} s");
        await Task.Delay(frozenAt + TimeSpan.FromSeconds(60) - DateTimeOffset.UtcNow);
        var conflictsBeforeThaw = (await rig.SimulatorStatsAsync()).GetProperty("conflicts").GetInt64();
        await victim.Process.SignalAsync("CONT");

        Assert.True(await victim.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the thawed node did not leave by itself; its membership and shutdown lines:\n{MembershipLines(victim)}\n…\n{victim.Tail(20)}");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await traffic.StopAsync();
        await traffic.AssertEachReceivedOnceAsync(survivor);

        // The thawed node never logged a device in again: it would have replaced (conflicted) the new owner's connection.
        var conflictsAfter = (await rig.SimulatorStatsAsync()).GetProperty("conflicts").GetInt64();
        Assert.Equal(conflictsBeforeThaw, conflictsAfter);
        Assert.True(conflictsBeforeThaw <= moved.Count, $"{conflictsBeforeThaw} conflicts for {moved.Count} moved sessions");
        foreach (var (session, _) in sessions)
        {
            Assert.Equal("connected", await survivor.StatusAsync(session));
            var events = await survivor.EventsAsync(session);
            Assert.DoesNotContain(events, e => e.GetProperty("type").GetString() == "session.status" && e.GetProperty("payload").GetProperty("status").GetString() == "replaced");
        }

        var refusals = victim.Process.Output.Split('\n').Where(l => l.Contains("SC409", StringComparison.Ordinal) || l.Contains("lease", StringComparison.OrdinalIgnoreCase)).Take(12).ToList();
        output.WriteLine($"thawed node: {traffic.Sent} texts; conflicts {conflictsAfter}; its lease and fence lines:\n{string.Join("\n", refusals)}");
        output.WriteLine($"how it left:\n{MembershipLines(victim)}");
    }

    /// <summary>What a node said about membership, reachability, downing and shutting down: why it did or did not leave.</summary>
    private static string MembershipLines(ClusterNode node) => string.Join('\n', node.Process.Output.Split('\n')
        .Where(l => l.Contains("Cluster", StringComparison.Ordinal) || l.Contains("SplitBrain", StringComparison.Ordinal)
            || l.Contains("Downing", StringComparison.Ordinal) || l.Contains("CoordinatedShutdown", StringComparison.Ordinal)
            || l.Contains("Quarantin", StringComparison.Ordinal) || l.Contains("Lifetime", StringComparison.Ordinal))
        .Where(l => !l.Contains("lease", StringComparison.OrdinalIgnoreCase))
        .TakeLast(40));
}
