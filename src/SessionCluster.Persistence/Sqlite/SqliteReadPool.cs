using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// Open read-only connections with their prepared statements, lent out one query (or one replay page) at a
/// time. WAL lets them read the last committed state while the writer writes.
/// </summary>
internal sealed class SqliteReadPool : IDisposable
{
    private readonly ConcurrentBag<SqliteReadConnection> _idle = [];
    private readonly SemaphoreSlim _available;
    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private volatile bool _disposed;

    public SqliteReadPool(string connectionString, int size, TimeSpan busyTimeout)
    {
        _connectionString = connectionString;
        _busyTimeout = busyTimeout;
        _available = new SemaphoreSlim(size, size);
    }

    public async ValueTask<SqliteReadConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_idle.TryTake(out var connection))
        {
            return connection;
        }

        try
        {
            return SqliteReadConnection.Open(_connectionString, _busyTimeout);
        }
        catch
        {
            _available.Release();
            throw;
        }
    }

    public void Return(SqliteReadConnection connection)
    {
        if (_disposed)
        {
            connection.Dispose();
        }
        else
        {
            _idle.Add(connection);
        }

        _available.Release();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}

/// <summary>One read connection and its prepared queries.</summary>
internal sealed class SqliteReadConnection : IDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteReadConnection(SqliteConnection connection)
    {
        _connection = connection;
        Replay = Prepare("""
            SELECT sequence_nr, serializer_id, manifest, event_manifest, payload, checksum, tags, writer_id, created_at FROM journal
            WHERE persistence_id = $pid AND sequence_nr >= $from AND sequence_nr <= $to
            ORDER BY sequence_nr LIMIT $limit
            """, ("$pid", SqliteType.Text), ("$from", SqliteType.Integer), ("$to", SqliteType.Integer), ("$limit", SqliteType.Integer));
        Highest = Prepare("SELECT highest_sequence_nr FROM persistence_ids WHERE persistence_id = $pid", ("$pid", SqliteType.Text));
        LatestSnapshot = Prepare("""
            SELECT sequence_nr, serializer_id, manifest, payload, checksum, created_at FROM snapshots
            WHERE persistence_id = $pid AND sequence_nr <= $maxSeq AND created_at <= $maxTime
              AND sequence_nr >= $minSeq AND created_at >= $minTime
            ORDER BY sequence_nr DESC LIMIT 1
            """, ("$pid", SqliteType.Text), ("$maxSeq", SqliteType.Integer), ("$maxTime", SqliteType.Integer),
            ("$minSeq", SqliteType.Integer), ("$minTime", SqliteType.Integer));
    }

    /// <summary>Parameters: persistence id, from, to (inclusive), page size.</summary>
    public SqliteCommand Replay { get; }

    /// <summary>Parameter: persistence id.</summary>
    public SqliteCommand Highest { get; }

    /// <summary>Parameters: persistence id, then the bounds of <see cref="Store.SnapshotCriteria"/> (sequence numbers, UTC ticks).</summary>
    public SqliteCommand LatestSnapshot { get; }

    public static SqliteReadConnection Open(string connectionString, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA query_only = 1;";
            pragmas.ExecuteNonQuery();
            return new SqliteReadConnection(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Replay.Dispose();
        Highest.Dispose();
        LatestSnapshot.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        command.Prepare();
        return command;
    }
}
