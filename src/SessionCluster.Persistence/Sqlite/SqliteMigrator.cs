using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SessionCluster.Persistence.Schema;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// Brings a SQLite file to the newest schema with the embedded <c>Sqlite/Migrations/NNNN-*.sql</c> scripts.
/// Each migration runs in its own <c>BEGIN IMMEDIATE</c> transaction, which takes the file's write lock
/// first and only then checks <c>schema_migrations</c>: two processes starting at once apply each script once.
/// </summary>
internal static class SqliteMigrator
{
    internal const string Engine = "SQLite";

    private static readonly Lazy<IReadOnlyList<MigrationScript>> Scripts = new(() => MigrationScript.Load("Sqlite"));

    /// <summary>The newest version this build knows.</summary>
    public static int LatestVersion => Scripts.Value[^1].Version;

    /// <returns>The schema version after migrating.</returns>
    public static int Migrate(SqliteConnection connection, ILogger logger)
    {
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL  -- ISO 8601, UTC
            )
            """);

        foreach (var script in Scripts.Value)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT count(*) FROM schema_migrations WHERE version = $version";
            check.Parameters.AddWithValue("$version", script.Version);
            if ((long)check.ExecuteScalar()! != 0)
            {
                transaction.Commit();
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = script.Sql;
                apply.ExecuteNonQuery();
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)";
                record.Parameters.AddWithValue("$version", script.Version);
                record.Parameters.AddWithValue("$name", script.Name);
                record.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            PersistenceLog.MigrationApplied(logger, Engine, script.Version, script.Name, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        using var max = connection.CreateCommand();
        max.CommandText = "SELECT max(version) FROM schema_migrations";
        var version = Convert.ToInt32(max.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version > LatestVersion)
        {
            PersistenceLog.UnknownMigration(logger, Engine, version);
        }

        return version;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
