using Akka.Configuration;
using SessionCluster.Persistence.Sqlite;

namespace SessionCluster.Persistence;

/// <summary>
/// Reads a plugin section of <c>persistence.conf</c> (journal, snapshot store or read journal) into the options of the
/// SQLite file it names. Two sections that name the same file share one database.
/// </summary>
internal static class StoreSettings
{
    /// <summary>The options, or a <see cref="ConfigurationException"/> saying which key is wrong.</summary>
    public static SqliteStorageOptions FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = new SqliteStorageOptions
        {
            Path = config.GetString("path", ""),
            MaxBatchSize = config.GetInt("max-batch-size", 1_000),
            BusyTimeout = config.GetTimeSpan("busy-timeout", TimeSpan.FromSeconds(5)),
            MaxReadConnections = config.GetInt("max-read-connections", 8),
            ReplayPageSize = config.GetInt("replay-page-size", 1_000),
            WalAutoCheckpointPages = config.GetInt("wal-autocheckpoint", 10_000),
        };
        try
        {
            options.Validate();
            return options;
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"persistence settings are invalid: {e.Message}", e);
        }
    }
}
