using System.Globalization;
using System.Text.Json;
using SessionCluster.Cli;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// scctl against a running 3-node cluster (node processes on PostgreSQL, sessions linked to the simulator): every
/// verb with <c>--json</c> and the exit code a script relies on, acting on the real cluster (a shard moved to another
/// node, a member made to leave, a node drained, a dead member downed, a session restarted and one logged out).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScctlClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_scctl_verb_works_against_a_running_cluster_with_json_and_its_exit_codes()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(ScctlClusterTests));
        var nodes = await rig.StartNodesAsync(3);

        var sessions = Enumerable.Range(0, 3).Select(i => (Session: $"cli-{i}", Phone: string.Create(CultureInfo.InvariantCulture, $"1555350{i:D4}"))).ToList();
        foreach (var (session, phone) in sessions)
        {
            await rig.LinkSessionAsync(nodes[0], session, phone);
        }

        var url = nodes[1].Http.BaseAddress!.ToString();
        Task<Run> Scctl(params string[] args) => RunAsync(url, rig.AdminKey, args);

        // cluster show: three members, all up, each with both roles.
        var show = await Ok(await Scctl("--json", "cluster", "show"));
        var members = show.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.Equal("up", m.GetProperty("status").GetString()));

        // shards regions / stats: the three sessions are entities of the session region.
        var regions = await Ok(await Scctl("--json", "shards", "regions"));
        Assert.Equal(3, regions.GetProperty("entities").GetInt32());
        var stats = await Ok(await Scctl("--json", "shards", "stats"));
        Assert.Equal(3, stats.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("entities").GetInt32()));

        // shards move: the first session's shard to another node; it connects there.
        var movedPhone = sessions[0].Phone;
        var internalId = NodeLogs.InternalId(nodes, movedPhone);
        var shard = SessionCluster.Sessions.SessionRegion.ShardIdOf(new SessionCluster.Sessions.SessionId(internalId));
        var from = stats.GetProperty("shards").EnumerateArray().Single(s => s.GetProperty("shardId").GetString() == shard).GetProperty("address").GetString();
        var target = nodes.First(n => !from!.EndsWith($":{n.RemotingPort}", StringComparison.Ordinal));
        var moveAt = TimeOnly.FromDateTime(DateTime.Now);
        var move = await Ok(await Scctl("--json", "shards", "move", shard, "--to", target.Address));
        Assert.True(move.GetProperty("requested").GetBoolean());
        await ClusterRig.Eventually(
            () => Task.FromResult(NodeLogs.Moments([target], internalId).Any(m => m.Connected && m.Time > moveAt) ? "" : null),
            $"session {internalId} connected on node {target.Index} after the move. Lines about moves:\n" + string.Join("\n", nodes.SelectMany(n =>
                n.Process.Output.Split('\n').Where(l => l.Contains("move", StringComparison.OrdinalIgnoreCase) || l.Contains("ebalanc", StringComparison.Ordinal) || l.Contains("hand", StringComparison.OrdinalIgnoreCase) || l.Contains(internalId, StringComparison.Ordinal)).Select(l => $"node{n.Index} {l}"))));

        // sessions list / show / restart / logout.
        var list = await Ok(await Scctl("--json", "sessions", "list"));
        Assert.Equal(sessions.Select(s => s.Session).Order(), list.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()).Order());
        var one = await Ok(await Scctl("--json", "sessions", "show", "cli-1"));
        Assert.Equal("connected", one.GetProperty("status").GetString());
        await Ok(await Scctl("--json", "sessions", "restart", "cli-1"));
        await ClusterRig.Eventually(async () => await nodes[2].StatusAsync("cli-1") == "connected" ? "" : null, "cli-1 connected after restart");
        await Ok(await Scctl("--json", "sessions", "logout", "cli-2"));
        await ClusterRig.Eventually(async () => await nodes[2].StatusAsync("cli-2") == "logged_out" ? "" : null, "cli-2 logged out");

        // journal stats: this node's PostgreSQL journal holds the sessions' events.
        var journal = await Ok(await Scctl("--json", "journal", "stats"));
        Assert.Equal("postgres", journal.GetProperty("engine").GetString());
        Assert.True(journal.GetProperty("events").GetInt64() > 0);

        // webhooks: none yet, so no dead letters; replaying an unknown one is "not found".
        Assert.Empty((await Ok(await Scctl("--json", "webhooks", "dead-letters"))).GetProperty("deadLetters").EnumerateArray());
        Assert.Equal(ExitCodes.NotFound, (await Scctl("--json", "webhooks", "replay", "1", "--webhook", "wh_missing")).ExitCode);

        // cluster leave: a fourth member joins and is made to leave; its process exits.
        var fourth = await rig.StartNodeAsync();
        await fourth.WaitReadyAsync();
        await Ok(await Scctl("--json", "cluster", "leave", fourth.Address));
        Assert.True(await fourth.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the member told to leave did not stop:\n{fourth.Tail()}");

        // node drain --wait: a fifth member drains itself and is gone when scctl returns.
        var fifth = await rig.StartNodeAsync();
        await fifth.WaitReadyAsync();
        var drain = await Ok(await RunAsync(fifth.Http.BaseAddress!.ToString(), rig.AdminKey, ["--json", "node", "drain", "--wait"]));
        Assert.True(drain.GetProperty("stopped").GetBoolean());
        Assert.True(await fifth.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // cluster down: a sixth member is killed and downed by hand, before the resolver would.
        var sixth = await rig.StartNodeAsync();
        await sixth.WaitReadyAsync();
        await sixth.Process.SignalAsync("KILL");
        await Ok(await Scctl("--json", "cluster", "down", sixth.Address));
        await ClusterRig.Eventually(async () =>
        {
            var now = await Scctl("--json", "cluster", "show");
            using var document = JsonDocument.Parse(now.Stdout);
            return document.RootElement.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("address").GetString() == sixth.Address) ? null : "";
        }, "the downed member removed");

        // Exit codes a script relies on.
        Assert.Equal(ExitCodes.NotFound, (await Scctl("--json", "sessions", "show", "nobody")).ExitCode);
        Assert.Equal(ExitCodes.NotFound, (await Scctl("--json", "cluster", "down", "127.0.0.1:1")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await Scctl("--json", "shards", "move", shard)).ExitCode);
        Assert.Equal(ExitCodes.Unauthorized, (await RunAsync(url, "wrong-key-wrong-key-wrong-key-wrong-key", ["--json", "cluster", "show"])).ExitCode);
        Assert.Equal(ExitCodes.Unreachable, (await RunAsync("http://127.0.0.1:1/", rig.AdminKey, ["--json", "cluster", "show"])).ExitCode);
        Assert.Equal(ExitCodes.Conflict, (await Scctl("--json", "sessions", "restart", "cli-2")).ExitCode);
    }

    private async Task<JsonElement> Ok(Run run)
    {
        output.WriteLine($"scctl {run.Args}: exit {run.ExitCode}");
        Assert.True(run.ExitCode == ExitCodes.Ok, $"scctl {run.Args} exited {run.ExitCode}: {run.Stderr}");
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.Clone();
    }

    private static async Task<Run> RunAsync(string url, string adminKey, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] all = ["--url", url, "--admin-key", adminKey, .. args];
        var code = await SessionCluster.Cli.Scctl.RunAsync(all, stdout, stderr, environment: _ => null);
        return new Run(string.Join(' ', args), code, stdout.ToString(), stderr.ToString());
    }

    private sealed record Run(string Args, int ExitCode, string Stdout, string Stderr);
}
