using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using SessionCluster.Persistence.Schema;

namespace SessionCluster.Persistence.Postgres;

/// <summary>
/// Brings a PostgreSQL database to the newest schema with the embedded <c>Postgres/Migrations/NNNN-*.sql</c>
/// scripts, under a session advisory lock (nodes starting together migrate one after another), each script
/// and its <c>schema_migrations</c> row in one transaction (PostgreSQL's DDL is transactional).
/// </summary>
internal static class PostgresMigrator
{
    internal const string Engine = "PostgreSQL";

    private static readonly Lazy<IReadOnlyList<MigrationScript>> Scripts = new(() => MigrationScript.Load("Postgres"));

    public static int LatestVersion => Scripts.Value[^1].Version;

    /// <returns>The schema version after migrating.</returns>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, long lockKey, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection))
        {
            take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lockKey });
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using (var create = new NpgsqlCommand("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var script in Scripts.Value)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", connection, transaction))
                {
                    check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = script.Version });
                    if ((bool)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                var started = Stopwatch.GetTimestamp();
                await using (var apply = new NpgsqlCommand(script.Sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = script.Version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                PersistenceLog.MigrationApplied(logger, Engine, script.Version, script.Name, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            await using var max = new NpgsqlCommand("SELECT max(version) FROM schema_migrations", connection);
            var version = (int)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (version > LatestVersion)
            {
                PersistenceLog.UnknownMigration(logger, Engine, version);
            }

            return version;
        }
        finally
        {
            // Not cancellable: the lock must go back even when migrating was cancelled or failed.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            release.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lockKey });
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
