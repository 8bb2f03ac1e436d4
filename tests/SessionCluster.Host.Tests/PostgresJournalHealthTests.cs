using System.Net;
using System.Text.Json;
using Npgsql;
using SessionCluster.TestSupport;

namespace SessionCluster.Host.Tests;

/// <summary>Readiness follows the journal: a node on PostgreSQL is ready while its database answers and not after.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalHealthTests(PostgresServer postgres)
{
    [Fact]
    public async Task Ready_turns_503_naming_the_journal_check_when_the_postgres_database_stops_accepting_connections_and_200_when_it_accepts_them_again()
    {
        var connectionString = await postgres.CreateDatabaseAsync(nameof(PostgresJournalHealthTests));
        await using var node = await RunningNode.StartAsync("--SC:Persistence:Engine=postgres", $"--SC:Persistence:ConnectionString={connectionString}");
        await node.WaitForAsync("/health/ready", HttpStatusCode.OK);

        await RefuseConnectionsAsync(connectionString);
        var body = await node.WaitForAsync("/health/ready", HttpStatusCode.ServiceUnavailable);

        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", checks.GetProperty("journal-round-trip").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("cluster-member-up").GetProperty("status").GetString());

        await AcceptConnectionsAsync(connectionString);
        await node.WaitForAsync("/health/ready", HttpStatusCode.OK);
    }

    private static async Task AcceptConnectionsAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var accept = new NpgsqlCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true", connection);
        await accept.ExecuteNonQueryAsync();
    }

    /// <summary>New connections to the node's database are refused and the open ones (the journal's pool) are terminated.</summary>
    private static async Task RefuseConnectionsAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var refuse = new NpgsqlCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false", connection);
        await refuse.ExecuteNonQueryAsync();
        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database", connection);
        terminate.Parameters.AddWithValue("database", database);
        await terminate.ExecuteScalarAsync();
    }
}
