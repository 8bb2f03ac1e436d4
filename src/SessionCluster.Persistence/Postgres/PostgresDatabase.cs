using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Postgres;

/// <summary>
/// A PostgreSQL database holding a journal and a snapshot store: the migrated schema, the pooled data source,
/// and the node's append writers (<see cref="PostgresAppendWriter"/>). Open it once per node.
/// </summary>
/// <remarks>
/// Durability is the server's: with its defaults (<c>fsync = on</c>, <c>synchronous_commit = on</c>) a
/// COMMIT returns after the WAL is flushed, and callers complete only after their batch's commit.
/// </remarks>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private int _disposed;
    private IEventStore? _events;
    private ISnapshotRows? _snapshots;

    private readonly PostgresAppendWriter[] _writers;

    private PostgresDatabase(PostgresStorageOptions options, NpgsqlDataSource dataSource, PostgresAppendWriter[] writers, int schemaVersion)
    {
        Options = options;
        DataSource = dataSource;
        _writers = writers;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The options the database was opened with.</summary>
    public PostgresStorageOptions Options { get; }

    /// <summary>The highest migration applied to the database.</summary>
    public int SchemaVersion { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>The append writer of <paramref name="persistenceId"/>: always the same one, so its writes stay in order.</summary>
    internal PostgresAppendWriter WriterFor(string persistenceId) =>
        _writers.Length == 1 ? _writers[0] : _writers[(uint)StringComparer.Ordinal.GetHashCode(persistenceId) % (uint)_writers.Length];

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
            PersistenceLog.Opened(logger, PostgresMigrator.Engine, $"{connectionString.Host}:{connectionString.Port}/{connectionString.Database}", version);
            var writers = new PostgresAppendWriter[options.AppendWriters];
            for (var i = 0; i < writers.Length; i++)
            {
                writers[i] = new PostgresAppendWriter(dataSource, options.MaxBatchSize, logger);
            }

            return new PostgresDatabase(options, dataSource, writers, version);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The event store on this database.</summary>
    internal IEventStore Events => _events ??= new PostgresEventStore(this);

    /// <summary>The snapshots on this database.</summary>
    internal ISnapshotRows Snapshots => _snapshots ??= new PostgresSnapshotRows(this);

    /// <summary>Finishes the queued appends, then closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var writer in _writers)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
    }
}
