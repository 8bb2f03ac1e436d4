using System.Net;
using System.Net.Http.Json;
using SessionCluster.Cli;
using SessionCluster.TestSupport;

namespace SessionCluster.Cli.Tests;

/// <summary><c>journal stats</c> on Akka.Persistence.Sql's tables: on PostgreSQL, and on SQLite with the <c>sql</c> provider.</summary>
public sealed class JournalStatsEngineTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Journal_stats_counts_akka_persistence_sql_on_postgres()
    {
        var connectionString = await postgres.CreateDatabaseAsync(nameof(JournalStatsEngineTests));
        var stats = await StatsAfterOneSessionAsync("--SC:Persistence:Engine=postgres", $"--SC:Persistence:ConnectionString={connectionString}");
        Assert.Equal("postgres", stats.GetProperty("engine").GetString());
        Assert.DoesNotContain("Password", stats.GetProperty("location").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Journal_stats_counts_akka_persistence_sql_on_sqlite()
    {
        var stats = await StatsAfterOneSessionAsync("--SC:Persistence:Provider=sql");
        Assert.Equal("sqlite", stats.GetProperty("engine").GetString());
        Assert.Equal("sql", stats.GetProperty("provider").GetString());
    }

    private static async Task<System.Text.Json.JsonElement> StatsAfterOneSessionAsync(params string[] args)
    {
        await using var lifetime = new NodeLifetime(new ScctlNode(args));
        var node = lifetime.Node;
        await node.InitializeAsync();
        using (var created = await node.Http.PostAsJsonAsync("/v1/sessions", new { id = "journal-engine" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var run = await node.RunAsync("--json", "journal", "stats");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var stats = run.Json();
        Assert.True(stats.GetProperty("events").GetInt64() >= 1, run.Stdout);
        Assert.True(stats.GetProperty("persistenceIds").GetInt64() >= 1, run.Stdout);
        Assert.True(stats.GetProperty("snapshots").GetInt64() >= 0, run.Stdout);
        Assert.True(stats.GetProperty("bytes").GetInt64() > 0, run.Stdout);
        return stats;
    }

    private sealed class NodeLifetime(ScctlNode node) : IAsyncDisposable
    {
        public ScctlNode Node => node;

        public async ValueTask DisposeAsync() => await node.DisposeAsync();
    }
}
