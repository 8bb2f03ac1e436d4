using System.Data.Common;
using System.Reflection;

namespace SessionCluster.Edge.Store;

/// <summary>
/// Forward-only numbered scripts, <c>Store/Migrations/{sqlite|postgres}/NNNN-name.sql</c>, embedded in this assembly and
/// applied in order, each once, each in its own transaction with its row in <c>edge_migrations</c>. On PostgreSQL an
/// advisory lock makes nodes starting together apply each script once; on SQLite <c>BEGIN IMMEDIATE</c> does.
/// </summary>
public static class EdgeMigrations
{
    /// <summary>An arbitrary constant: the advisory lock key the edge's migrations hold on PostgreSQL.</summary>
    private const long PostgresLockKey = 0x5C_ED_6E_01;

    public static IReadOnlyList<(string Name, string Sql)> Scripts(EdgeDialect dialect)
    {
        var folder = $".Store.Migrations.{(dialect == EdgeDialect.Sqlite ? "sqlite" : "postgres")}.";
        var assembly = typeof(EdgeMigrations).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(folder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Name: name[(name.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..^4], Sql: Read(assembly, name)))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Applies every script not applied yet; the names applied now.</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(EdgeDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (database.Dialect == EdgeDialect.Sqlite)
        {
            // WAL is a property of the file: readers never wait for the writer.
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS edge_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        var applied = new List<string>();
        foreach (var (name, sql) in Scripts(database.Dialect))
        {
            if (await ApplyOneAsync(connection, database.Dialect, name, sql, cancellationToken).ConfigureAwait(false))
            {
                applied.Add(name);
            }
        }

        return applied;
    }

    private static async Task<bool> ApplyOneAsync(DbConnection connection, EdgeDialect dialect, string name, string sql, CancellationToken cancellationToken)
    {
        if (dialect == EdgeDialect.Sqlite)
        {
            await connection.ExecuteAsync("BEGIN IMMEDIATE", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await connection.ExecuteAsync("BEGIN", cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", PostgresLockKey)).ConfigureAwait(false);
        }

        try
        {
            var done = await connection.QuerySingleAsync("SELECT 1 FROM edge_migrations WHERE name = @name", r => true, cancellationToken, ("name", name)).ConfigureAwait(false);
            if (!done)
            {
                await connection.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync("INSERT INTO edge_migrations (name, applied_at) VALUES (@name, @at)", cancellationToken,
                    ("name", name), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            }

            await connection.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);
            return !done;
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
