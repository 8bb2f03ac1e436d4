using Akka.Configuration;
using SessionCluster.Persistence.Postgres;
using SessionCluster.Persistence.Sqlite;

namespace SessionCluster.Persistence;

/// <summary>
/// Reads a plugin section of <c>persistence.conf</c> (journal, snapshot store or read journal) into the options of
/// the database it names. Two sections that name the same file or connection string share one database.
/// </summary>
internal static class StoreSettings
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The engine and the options, or a <see cref="ConfigurationException"/> saying which key is wrong.</summary>
    public static object FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var engine = config.GetString("engine", Sqlite);
        return engine switch
        {
            Sqlite => Checked(new SqliteStorageOptions
            {
                Path = config.GetString("path", ""),
                MaxBatchSize = config.GetInt("max-batch-size", 1_000),
                BusyTimeout = config.GetTimeSpan("busy-timeout", TimeSpan.FromSeconds(5)),
                MaxReadConnections = config.GetInt("max-read-connections", 8),
                ReplayPageSize = config.GetInt("replay-page-size", 1_000),
                WalAutoCheckpointPages = config.GetInt("wal-autocheckpoint", 10_000),
            }, o => o.Validate()),
            Postgres => Checked(new PostgresStorageOptions
            {
                ConnectionString = config.GetString("connection-string", ""),
                MaxBatchSize = config.GetInt("max-batch-size", 1_000),
                AppendWriters = config.GetInt("append-writers", 1),
                ReplayPageSize = config.GetInt("replay-page-size", 1_000),
                MigrationLockKey = config.GetLong("migration-lock-key", 0x5343_4A4F_5552_4E4C),
            }, o => o.Validate()),
            _ => throw new ConfigurationException($"persistence engine '{engine}' is not one of '{Sqlite}', '{Postgres}'."),
        };
    }

    private static T Checked<T>(T options, Action<T> validate)
    {
        try
        {
            validate(options);
            return options;
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"persistence settings are invalid: {e.Message}", e);
        }
    }
}
