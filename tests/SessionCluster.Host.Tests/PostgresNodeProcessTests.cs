using System.Net;
using System.Text.Json;
using Npgsql;
using SessionCluster.TestSupport;

namespace SessionCluster.Host.Tests;

/// <summary>The executable on PostgreSQL, configured through SC__Section__Key environment variables.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNodeProcessTests(PostgresServer postgres)
{
    private const string Password = "never-log-this-8f3a";

    [Fact]
    public async Task A_node_configured_by_environment_on_postgres_becomes_ready_logs_json_and_never_logs_the_password()
    {
        // The throwaway server trusts loopback, so any password connects; the node must still never print it.
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(nameof(PostgresNodeProcessTests))) { Password = Password }.ToString();
        var data = Directory.CreateTempSubdirectory("sessioncluster-process-pg-").FullName;
        try
        {
            await using var node = NodeProcess.Start(data, new Dictionary<string, string>
            {
                ["SC__Persistence__Engine"] = "postgres",
                ["SC__Persistence__ConnectionString"] = connectionString,
                ["SC__Node__LogFormat"] = "json",
            });
            using var http = new HttpClient { BaseAddress = await node.HttpAddressAsync(), Timeout = TimeSpan.FromSeconds(30) };

            await RunningNode.WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
            var exitCode = await node.TerminateAsync();

            Assert.Equal(0, exitCode);
            var persistence = JsonLine(node.Output, eventId: 7001);
            Assert.Equal("postgres", persistence.GetProperty("Engine").GetString());
            Assert.StartsWith("postgres://postgres@127.0.0.1:", persistence.GetProperty("Location").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(Password, node.Output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "sessioncluster.db")), "no SQLite file when the engine is postgres");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The JSON log line with the host's event id <paramref name="eventId"/> (HostLog).</summary>
    private static JsonElement JsonLine(string output, int eventId) => output.Split('\n')
        .Where(line => line.StartsWith('{'))
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Single(line => line.TryGetProperty("EventId", out var id) && id.GetProperty("Id").GetInt32() == eventId);
}
