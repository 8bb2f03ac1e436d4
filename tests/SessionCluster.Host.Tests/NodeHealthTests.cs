using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Akka;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;

namespace SessionCluster.Host.Tests;

/// <summary>The health endpoints of a fresh node on its default engine, SQLite in its data folder.</summary>
public sealed class NodeHealthTests
{
    [Fact]
    public async Task Live_answers_200_while_the_node_serves()
    {
        await using var node = await RunningNode.StartAsync();

        using var response = await node.Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_turns_200_on_a_fresh_node_once_its_member_is_up_its_region_registered_and_the_sqlite_journal_confirms_a_write()
    {
        await using var node = await RunningNode.StartAsync();

        var body = await node.WaitForAsync("/health/ready", HttpStatusCode.OK);

        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("cluster-member-up").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("session-region-registered").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("journal-round-trip").GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(node.DataFolder, "sessioncluster.db")), "the SQLite journal is the file sessioncluster.db in the data folder");
    }

    [Fact]
    public async Task Ready_turns_200_with_akka_persistence_sql_selected_instead_of_our_journal()
    {
        await using var node = await RunningNode.StartAsync("--SC:Persistence:Provider=sql");

        var body = await node.WaitForAsync("/health/ready", HttpStatusCode.OK);

        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("journal-round-trip").GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(node.DataFolder, "akka-persistence-sql.db")), "Akka.Persistence.Sql keeps its own file in the data folder");
        Assert.False(File.Exists(Path.Combine(node.DataFolder, "sessioncluster.db")), "our journal's file is not created when it is not selected");
    }

    [Fact]
    public async Task Ready_turns_503_naming_the_not_draining_check_as_soon_as_a_drain_starts_while_live_stays_200_and_the_member_is_still_up()
    {
        const string adminKey = "health-drain-admin-key-0123456789abcdefghij";
        await using var node = await RunningNode.StartAsync($"--SC:Edge:AdminKey={adminKey}");
        var ready = await node.WaitForAsync("/health/ready", HttpStatusCode.OK);
        using (var before = JsonDocument.Parse(ready))
        {
            Assert.Equal("Healthy", before.RootElement.GetProperty("checks").GetProperty("not-draining").GetProperty("status").GetString());
        }

        // Hold the drain in its first phase, where the shards have not begun to hand off and the member is still Up:
        // the moment readiness must already be false. Released at the end (the phase's 5 s timeout releases it too).
        var hold = new TaskCompletionSource<Done>(TaskCreationOptions.RunContinuationsAsynchronously);
        CoordinatedShutdown.Get(node.Services.GetRequiredService<ActorSystem>())
            .AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "test-hold-the-drain", () => hold.Task);
        try
        {
            using var drain = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/node:drain");
            drain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var accepted = await node.Http.SendAsync(drain);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

            using var notReady = await node.Http.GetAsync("/health/ready");
            using var live = await node.Http.GetAsync("/health/live");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            using var json = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync());
            var checks = json.RootElement.GetProperty("checks");
            Assert.Equal("Unhealthy", checks.GetProperty("not-draining").GetProperty("status").GetString());
            Assert.Contains("draining", checks.GetProperty("not-draining").GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal("Healthy", checks.GetProperty("cluster-member-up").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            hold.TrySetResult(Done.Instance);
        }
    }

    [Fact]
    public async Task Ready_is_503_naming_the_journal_and_edge_database_checks_and_the_api_503_while_the_postgres_server_cannot_be_reached()
    {
        var closedPort = ClosedPort();
        await using var node = await RunningNode.StartAsync(
            "--SC:Persistence:Engine=postgres",
            $"--SC:Persistence:ConnectionString=Host=127.0.0.1;Port={closedPort};Database=nowhere;Username=nobody;Timeout=2");

        var body = await node.WaitForAsync("/health/ready", HttpStatusCode.ServiceUnavailable);

        using var json = JsonDocument.Parse(body);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("journal-round-trip").GetProperty("status").GetString());

        // The edge's tables live in the same database: the node started anyway, and its API says why it cannot serve.
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("edge-database").GetProperty("status").GetString());
        using var api = await node.Http.GetAsync("/v1/sessions");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal("edge_unavailable", problem.RootElement.GetProperty("code").GetString());
        Assert.NotNull(api.Headers.RetryAfter);
    }

    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
