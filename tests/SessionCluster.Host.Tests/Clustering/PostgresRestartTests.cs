using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// PostgreSQL (journal, leases, edge store) restarted under traffic: while it is down nothing is acknowledged that is
/// not durable, so the server keeps what the sessions could not store and delivers it again; once it is back every
/// session reconnects by itself and every text sent meanwhile is received exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRestartTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task PostgreSQL_restarted_under_traffic_loses_and_doubles_no_text_and_every_session_resumes_by_itself()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(PostgresRestartTests));
        var nodes = await rig.StartNodesAsync(3);

        var sessions = await rig.LinkSessionsAsync(nodes[0], "pg", "1555310", 4);

        const string Friend = "15553199999";
        await rig.CreateAccountAsync(Friend);
        var traffic = new TrafficRun(rig, Friend, sessions, TimeSpan.FromMilliseconds(100));
        traffic.Start();
        await Task.Delay(TimeSpan.FromSeconds(2));

        var restartedAt = DateTimeOffset.UtcNow;
        await postgres.RestartAsync(down: TimeSpan.FromSeconds(5));
        output.WriteLine($"PostgreSQL back after {(DateTimeOffset.UtcNow - restartedAt).TotalSeconds:F1} s");

        await Task.Delay(TimeSpan.FromSeconds(5));
        await traffic.StopAsync();
        foreach (var (session, _) in sessions)
        {
            await ClusterRig.Eventually(async () => await nodes[1].StatusAsync(session) == "connected" ? "" : null,
                $"{session} connected again. Outputs:\n{string.Join("\n----\n", nodes.Select(n => n.Tail(30)))}");
        }

        await traffic.AssertEachReceivedOnceAsync(nodes[1]);
        output.WriteLine($"{traffic.Sent} texts sent across the restart, each received once");
    }
}
