using System.Net;
using System.Text.Json;

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
