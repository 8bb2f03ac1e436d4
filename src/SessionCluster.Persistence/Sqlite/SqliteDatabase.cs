using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// One SQLite file holding a journal and a snapshot store: the migrated schema, the single writer, the read
/// connections. Open it once per file and process; the journal and snapshot store it hands out share its writer.
/// </summary>
/// <remarks>
/// Durability: <c>journal_mode=WAL</c> with <c>synchronous=FULL</c>. In WAL mode, NORMAL syncs only at
/// checkpoints, so a power cut can lose the last commits even though their callers were told they were stored;
/// FULL fsyncs the WAL at every COMMIT, and the writer completes callers only after it. Batching pays that
/// fsync once per batch instead of once per event.
/// </remarks>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SqliteWriter _writer;
    private readonly SqliteReadPool _reads;
    private int _disposed;
    private IEventStore? _events;
    private ISnapshotRows? _snapshots;

    private SqliteDatabase(SqliteStorageOptions options, SqliteWriter writer, SqliteReadPool reads, int schemaVersion)
    {
        Options = options;
        _writer = writer;
        _reads = reads;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The options the database was opened with.</summary>
    public SqliteStorageOptions Options { get; }

    /// <summary>The highest migration applied to the file.</summary>
    public int SchemaVersion { get; }

    internal SqliteWriter Writer => _writer;

    internal SqliteReadPool Reads => _reads;

    /// <summary>Opens (creating if needed) and migrates the file, and starts its writer.</summary>
    public static Task<SqliteDatabase> OpenAsync(SqliteStorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        logger ??= NullLogger.Instance;
        var full = Path.GetFullPath(options.Path);
        var folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // this class keeps its connections open itself, with their prepared statements
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}";
                pragmas.ExecuteNonQuery();
                pragmas.CommandText = "PRAGMA journal_mode = WAL";
                var mode = (string?)pragmas.ExecuteScalar();
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL mode for '{full}' (journal_mode is '{mode}').");
                }

                pragmas.CommandText = "PRAGMA synchronous = FULL";
                pragmas.ExecuteNonQuery();
                pragmas.CommandText = $"PRAGMA wal_autocheckpoint = {options.WalAutoCheckpointPages}";
                pragmas.ExecuteNonQuery();
            }

            var version = SqliteMigrator.Migrate(connection, logger);
            var database = new SqliteDatabase(
                options,
                new SqliteWriter(connection, options.MaxBatchSize, logger),
                new SqliteReadPool(connectionString, options.MaxReadConnections, options.BusyTimeout),
                version);
            PersistenceLog.Opened(logger, SqliteMigrator.Engine, full, version);
            return Task.FromResult(database);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The event store on this file.</summary>
    internal IEventStore Events => _events ??= new SqliteEventStore(this);

    /// <summary>The snapshots on this file.</summary>
    internal ISnapshotRows Snapshots => _snapshots ??= new SqliteSnapshotRows(this);

    /// <summary>Finishes the queued writes, then closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        _reads.Dispose();
    }
}
