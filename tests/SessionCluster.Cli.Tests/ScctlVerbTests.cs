using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SessionCluster.Cli;

namespace SessionCluster.Cli.Tests;

/// <summary>Every scctl verb against one running node, with and without <c>--json</c>, and the exit codes a script relies on.</summary>
public sealed class ScctlVerbTests(ScctlNode node) : IClassFixture<ScctlNode>
{
    private async Task<string> CreateSessionAsync(string id)
    {
        using var response = await node.Http.PostAsJsonAsync("/v1/sessions", new { id });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"create answered {(int)response.StatusCode}");
        return id;
    }

    [Fact]
    public async Task Cluster_show_names_the_one_member_as_self_leader_and_oldest()
    {
        var run = await node.RunAsync("--json", "cluster", "show");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var cluster = run.Json();
        var self = cluster.GetProperty("self").GetString();
        Assert.StartsWith("akka.tcp://sessioncluster@127.0.0.1:", self);
        Assert.Equal(self, cluster.GetProperty("leader").GetString());
        Assert.Equal(self, cluster.GetProperty("oldest").GetString());
        var member = Assert.Single(cluster.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("address").GetString());
        Assert.Equal("up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.NotEqual(0, member.GetProperty("uid").GetInt64());
        Assert.Empty(cluster.GetProperty("unreachable").EnumerateArray());

        var table = await node.RunAsync("cluster", "show");
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains(self!, table.Stdout);
        Assert.Contains("members", table.Stdout);
    }

    [Fact]
    public async Task Leaving_or_downing_an_unknown_member_is_not_found()
    {
        foreach (var verb in new[] { "leave", "down" })
        {
            var run = await node.RunAsync("--json", "cluster", verb, "akka.tcp://sessioncluster@127.0.0.1:1");
            Assert.Equal(ExitCodes.NotFound, run.ExitCode);
            Assert.Equal("member_not_found", run.Error().GetProperty("code").GetString());
            Assert.Equal(3, run.Error().GetProperty("exitCode").GetInt32());
            Assert.Empty(run.Stdout);

            var human = await node.RunAsync("cluster", verb, "127.0.0.1:1");
            Assert.Equal(ExitCodes.NotFound, human.ExitCode);
            Assert.Contains("member_not_found", human.Stderr);
        }
    }

    [Fact]
    public async Task Shard_regions_and_stats_count_a_running_session_in_its_shard()
    {
        await CreateSessionAsync("scctl-shards");
        var self = (await node.RunAsync("--json", "cluster", "show")).Json().GetProperty("self").GetString();
        JsonElement regions = default;
        await ScctlNode.WaitUntilAsync(async () =>
        {
            var run = await node.RunAsync("--json", "shards", "regions");
            regions = run.Json();
            return run.ExitCode == 0 && regions.GetProperty("entities").GetInt32() >= 1;
        }, "the session region counts the session");
        var region = Assert.Single(regions.GetProperty("regions").EnumerateArray());
        Assert.Equal(self, region.GetProperty("address").GetString());
        Assert.True(region.GetProperty("shards").GetInt32() >= 1);

        var stats = await node.RunAsync("--json", "shards", "stats");
        Assert.Equal(ExitCodes.Ok, stats.ExitCode);
        var shards = stats.Json().GetProperty("shards").EnumerateArray().ToList();
        Assert.NotEmpty(shards);
        Assert.All(shards, s => Assert.Equal(self, s.GetProperty("address").GetString()));
        Assert.Equal(region.GetProperty("entities").GetInt32(), shards.Sum(s => s.GetProperty("entities").GetInt32()));

        Assert.Equal(ExitCodes.Ok, (await node.RunAsync("shards", "regions")).ExitCode);
        var table = await node.RunAsync("shards", "stats");
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains(shards[0].GetProperty("shardId").GetString()!, table.Stdout);
    }

    [Fact]
    public async Task A_shard_moved_to_the_node_it_is_on_is_a_no_op_and_unknown_shards_or_members_are_not_found()
    {
        await CreateSessionAsync("scctl-move");
        var self = (await node.RunAsync("--json", "cluster", "show")).Json().GetProperty("self").GetString()!;
        string? shard = null;
        await ScctlNode.WaitUntilAsync(async () =>
        {
            var run = await node.RunAsync("--json", "shards", "stats");
            shard = run.ExitCode == 0 ? run.Json().GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("shardId").GetString()).FirstOrDefault() : null;
            return shard is not null;
        }, "a shard is allocated");

        var same = await node.RunAsync("--json", "shards", "move", shard!, "--to", self);
        Assert.Equal(ExitCodes.Ok, same.ExitCode);
        Assert.False(same.Json().GetProperty("requested").GetBoolean());
        Assert.Equal(self, same.Json().GetProperty("from").GetString());
        Assert.Contains("nothing to do", (await node.RunAsync("shards", "move", shard!, "--to", self)).Stdout);

        var unknownShard = await node.RunAsync("--json", "shards", "move", "no-such-shard", "--to", self);
        Assert.Equal(ExitCodes.NotFound, unknownShard.ExitCode);
        Assert.Equal("shard_not_found", unknownShard.Error().GetProperty("code").GetString());

        var unknownMember = await node.RunAsync("--json", "shards", "move", shard!, "--to", "127.0.0.1:1");
        Assert.Equal(ExitCodes.NotFound, unknownMember.ExitCode);
        Assert.Equal("member_not_found", unknownMember.Error().GetProperty("code").GetString());

        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("shards", "move", shard!)).ExitCode);
    }

    [Fact]
    public async Task Journal_stats_counts_the_nodes_sqlite_journal()
    {
        await CreateSessionAsync("scctl-journal");
        var run = await node.RunAsync("--json", "journal", "stats");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var stats = run.Json();
        Assert.Equal("sqlite", stats.GetProperty("engine").GetString());
        Assert.Equal("sessioncluster", stats.GetProperty("provider").GetString());
        Assert.True(stats.GetProperty("events").GetInt64() >= 1);
        Assert.True(stats.GetProperty("persistenceIds").GetInt64() >= 1);
        Assert.True(stats.GetProperty("snapshots").GetInt64() >= 0);
        Assert.True(stats.GetProperty("bytes").GetInt64() > 0);

        var table = await node.RunAsync("journal", "stats");
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("persistenceIds", table.Stdout);
    }

    [Fact]
    public async Task Sessions_list_and_show_read_the_tenants_sessions()
    {
        await CreateSessionAsync("scctl-list-a");
        await CreateSessionAsync("scctl-list-b");
        var list = await node.RunAsync("--json", "sessions", "list");
        Assert.Equal(ExitCodes.Ok, list.ExitCode);
        var ids = list.Json().GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Contains("scctl-list-a", ids);
        Assert.Contains("scctl-list-b", ids);

        var filtered = await node.RunAsync("--json", "sessions", "list", "--status", "connected");
        Assert.Equal(ExitCodes.Ok, filtered.ExitCode);
        Assert.DoesNotContain(filtered.Json().GetProperty("sessions").EnumerateArray(), s => s.GetProperty("id").GetString() == "scctl-list-a");

        var show = await node.RunAsync("--json", "sessions", "show", "scctl-list-a");
        Assert.Equal(ExitCodes.Ok, show.ExitCode);
        Assert.Equal("scctl-list-a", show.Json().GetProperty("id").GetString());
        Assert.Equal("new", show.Json().GetProperty("status").GetString());

        Assert.Contains("scctl-list-b", (await node.RunAsync("sessions", "list")).Stdout);
        Assert.Contains("new", (await node.RunAsync("sessions", "show", "scctl-list-a")).Stdout);
    }

    [Fact]
    public async Task An_unknown_session_is_not_found_for_every_session_verb()
    {
        foreach (var verb in new[] { "show", "restart", "logout" })
        {
            var run = await node.RunAsync("--json", "sessions", verb, "no-such-session");
            Assert.Equal(ExitCodes.NotFound, run.ExitCode);
            Assert.Equal("session_not_found", run.Error().GetProperty("code").GetString());
            Assert.Equal(404, run.Error().GetProperty("status").GetInt32());
        }

        Assert.Equal(ExitCodes.NotFound, (await node.RunAsync("sessions", "show", "no-such-session")).ExitCode);
    }

    [Fact]
    public async Task Restart_and_logout_of_a_session_never_linked_are_refused_as_a_conflict()
    {
        await CreateSessionAsync("scctl-unlinked");
        foreach (var verb in new[] { "restart", "logout" })
        {
            var run = await node.RunAsync("--json", "sessions", verb, "scctl-unlinked");
            Assert.Equal(ExitCodes.Conflict, run.ExitCode);
            Assert.Equal("session_not_linked", run.Error().GetProperty("code").GetString());
            Assert.Equal(ExitCodes.Conflict, (await node.RunAsync("sessions", verb, "scctl-unlinked")).ExitCode);
        }
    }

    [Fact]
    public async Task Webhook_dead_letters_are_listed_per_webhook_a_secret_is_rotated_given_or_generated_and_unknown_ones_are_not_found()
    {
        using var created = await node.Http.PostAsJsonAsync("/v1/webhooks", new { url = "http://127.0.0.1:1/hook" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var all = await node.RunAsync("--json", "webhooks", "dead-letters");
        Assert.Equal(ExitCodes.Ok, all.ExitCode);
        Assert.Equal(JsonValueKind.Array, all.Json().GetProperty("deadLetters").ValueKind);
        Assert.All(all.Json().GetProperty("deadLetters").EnumerateArray(), l => Assert.False(string.IsNullOrEmpty(l.GetProperty("webhook").GetString())));
        var one = await node.RunAsync("--json", "webhooks", "dead-letters", "--webhook", webhook);
        Assert.Equal(ExitCodes.Ok, one.ExitCode);
        Assert.Contains("dead letters", (await node.RunAsync("webhooks", "dead-letters")).Stdout);

        var replayAll = await node.RunAsync("--json", "webhooks", "replay", "--all", "--webhook", webhook);
        Assert.Equal(ExitCodes.Ok, replayAll.ExitCode);
        Assert.True(replayAll.Json().GetProperty("replaying").GetInt32() >= 0);

        var unknownLetter = await node.RunAsync("--json", "webhooks", "replay", "dl_none", "--webhook", webhook);
        Assert.Equal(ExitCodes.NotFound, unknownLetter.ExitCode);
        Assert.Equal("dead_letter_not_found", unknownLetter.Error().GetProperty("code").GetString());
        Assert.Equal(ExitCodes.NotFound, (await node.RunAsync("webhooks", "dead-letters", "--webhook", "wh_none")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("webhooks", "replay", "--webhook", webhook)).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("webhooks", "replay", "dl_x", "--all", "--webhook", webhook)).ExitCode);

        var rotated = await node.RunAsync("--json", "webhooks", "rotate-secret", "--webhook", webhook, "--secret", "the-operators-new-secret");
        Assert.Equal(ExitCodes.Ok, rotated.ExitCode);
        Assert.Equal((webhook, "the-operators-new-secret"), (rotated.Json().GetProperty("id").GetString(), rotated.Json().GetProperty("secret").GetString()));
        Assert.StartsWith("whsec_", (await node.RunAsync("--json", "webhooks", "rotate-secret", "--webhook", webhook)).Json().GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, (await node.RunAsync("webhooks", "rotate-secret", "--webhook", "wh_none")).ExitCode);
    }

    [Fact]
    public async Task Node_show_says_the_node_is_up_and_not_shutting_down()
    {
        var run = await node.RunAsync("--json", "node", "show");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("up", run.Json().GetProperty("status").GetString());
        Assert.False(run.Json().GetProperty("shuttingDown").GetBoolean());
        Assert.Contains("address", (await node.RunAsync("node", "show")).Stdout);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized_and_a_live_api_key_forbidden()
    {
        var wrong = await ScctlRun.RunAsync(["--url", node.Url, "--admin-key", "not-the-key", "--json", "cluster", "show"]);
        Assert.Equal(ExitCodes.Unauthorized, wrong.ExitCode);
        Assert.Equal("unauthorized", wrong.Error().GetProperty("code").GetString());

        // A live API key is authenticated as the edge authenticates it, and refused here: 403. A made-up one is a 401.
        using var created = await node.Http.PostAsJsonAsync("/v1/admin/tenants/default/keys", new { name = "scctl-test" });
        created.EnsureSuccessStatusCode();
        var liveKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var apiKey = await ScctlRun.RunAsync(["--url", node.Url, "--admin-key", liveKey, "--json", "journal", "stats"]);
        Assert.Equal(ExitCodes.Unauthorized, apiKey.ExitCode);
        Assert.Equal(403, apiKey.Error().GetProperty("status").GetInt32());
        Assert.Equal("forbidden", apiKey.Error().GetProperty("code").GetString());

        var madeUp = await ScctlRun.RunAsync(["--url", node.Url, "--admin-key", "sck_000000000000_secret", "--json", "journal", "stats"]);
        Assert.Equal(401, madeUp.Error().GetProperty("status").GetInt32());

        Assert.Equal(ExitCodes.Unauthorized, (await ScctlRun.RunAsync(["--url", node.Url, "--admin-key", "not-the-key", "sessions", "list"])).ExitCode);
    }

    [Fact]
    public async Task The_admin_key_comes_from_the_key_file_or_the_environment_and_none_is_a_usage_error()
    {
        var file = Path.Combine(node.DataFolder, "scctl-test.key");
        await File.WriteAllTextAsync(file, ScctlNode.AdminKey + "\n");
        Assert.Equal(ExitCodes.Ok, (await ScctlRun.RunAsync(["--url", node.Url, "--admin-key-file", file, "node", "show"])).ExitCode);
        var environment = new Dictionary<string, string> { ["SC_ADMIN_KEY"] = ScctlNode.AdminKey, ["SC_URL"] = node.Url };
        Assert.Equal(ExitCodes.Ok, (await ScctlRun.RunAsync(["node", "show"], environment)).ExitCode);

        var none = await ScctlRun.RunAsync(["--url", node.Url, "node", "show"]);
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        Assert.Contains("SC_ADMIN_KEY", none.Stderr);
    }

    [Fact]
    public async Task Bad_arguments_are_usage_errors()
    {
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("cluster")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("cluster", "explode")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("sessions", "show")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("--timeout", "0", "node", "show")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await ScctlRun.RunAsync(["--url", "ftp://x", "--admin-key", "k", "node", "show"])).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await ScctlRun.RunAsync(["--help"])).ExitCode);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        // A port bound then released: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var run = await ScctlRun.RunAsync(["--url", $"http://127.0.0.1:{port}", "--admin-key", "k", "--json", "cluster", "show"]);
        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Equal("Unreachable", run.Error().GetProperty("failure").GetString());
    }
}
