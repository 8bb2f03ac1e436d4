using SessionCluster.Edge.Store;

namespace SessionCluster.Edge.Tests.Store;

/// <summary>The edge's SQLite connections: what each is set up with when it opens (pooled, so at every open).</summary>
public sealed class SqliteEdgeDatabaseTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sc-edge-db-").FullName;
    private EdgeDatabase _database = null!;

    public Task InitializeAsync()
    {
        _database = EdgeDatabase.Sqlite(Path.Combine(_folder, "edge.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// SQLite's own busy handler waits for another connection's write lock in short steps; without it a busy statement
    /// fell back to Microsoft.Data.Sqlite's fixed 150 ms sleep (the soak's 150 ms p99 on accepted sends).
    /// </summary>
    [Fact]
    public async Task Every_connection_waits_inside_sqlite_for_a_lock_and_enforces_foreign_keys()
    {
        for (var open = 0; open < 2; open++)
        {
            await using var connection = await _database.OpenAsync(CancellationToken.None);

            Assert.Equal(30_000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
            Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
        }
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
