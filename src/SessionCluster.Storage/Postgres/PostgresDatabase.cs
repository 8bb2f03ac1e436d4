using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Postgres;

/// <summary>
/// A PostgreSQL database holding a journal and a snapshot store: the migrated schema, the pooled data source,
/// and the node's single append writer (<see cref="PostgresAppendWriter"/>). Open it once per node.
/// </summary>
/// <remarks>
/// Durability is the server's: with its defaults (<c>fsync = on</c>, <c>synchronous_commit = on</c>) a
/// COMMIT returns after the WAL is flushed, and callers complete only after their batch's commit.
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private int _disposed;

    private PostgresDatabase(PostgresStorageOptions options, NpgsqlDataSource dataSource, PostgresAppendWriter writer, int schemaVersion)
    {
        Options = options;
        DataSource = dataSource;
        Writer = writer;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The options the database was opened with.</summary>
    public PostgresStorageOptions Options { get; }

    /// <summary>The highest migration applied to the database.</summary>
    public int SchemaVersion { get; }

    internal NpgsqlDataSource DataSource { get; }

    internal PostgresAppendWriter Writer { get; }

    /// <summary>Connects, migrates the schema (under an advisory lock) and starts the append writer.</summary>
    public static async Task<PostgresDatabase> OpenAsync(PostgresStorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        var connectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (connectionString.MaxAutoPrepare == 0)
        {
            connectionString.MaxAutoPrepare = 32;
        }

        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            var version = await PostgresMigrator.MigrateAsync(dataSource, options.MigrationLockKey, logger, cancellationToken).ConfigureAwait(false);
            StorageLog.Opened(logger, PostgresMigrator.Engine, $"{connectionString.Host}:{connectionString.Port}/{connectionString.Database}", version);
            return new PostgresDatabase(options, dataSource, new PostgresAppendWriter(dataSource, options.MaxBatchSize, logger), version);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A journal on this database; disposing it leaves the database open.</summary>
    public IJournal CreateJournal() => new PostgresJournal(this, ownsDatabase: false);

    /// <summary>A snapshot store on this database; disposing it leaves the database open.</summary>
    public ISnapshotStore CreateSnapshotStore() => new PostgresSnapshotStore(this, ownsDatabase: false);

    /// <summary>Finishes the queued appends, then closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Writer.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }
}
