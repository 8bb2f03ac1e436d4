using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// The one writer of a SQLite journal: a queue of pending writes and one dedicated connection that turns
/// whatever is queued into one transaction.
/// </summary>
/// <remarks>
/// <para><b>Why one writer.</b> SQLite has a single write lock per file. Connections that write on their own
/// would queue on that lock through the busy handler (sleeping and polling), each paying its own fsync.
/// One loop that owns the write connection never waits for a lock, and turns N concurrent appends into one
/// transaction and one fsync: group commit. With 1,000 actors each awaiting its append, a batch holds up to
/// <see cref="SqliteStorageOptions.MaxBatchSize"/> events and the fsync is paid once per batch rather than
/// once per event, which is what takes an awaited append from ~ms to ~µs of amortized cost.</para>
/// <para><b>Isolation inside a batch.</b> Each request runs under its own <c>SAVEPOINT</c>. A request that
/// throws (fenced out, not claimed, sequence number taken) is rolled back to its savepoint and fails alone;
/// the others in the batch commit. A failure of the batch itself (disk full, I/O error, a failed COMMIT)
/// rolls everything back and fails every caller of the batch with that error.</para>
/// <para><b>When callers complete.</b> Only after COMMIT returned: with <c>synchronous=FULL</c> in WAL mode
/// that means the WAL was fsynced, so an acknowledged event survives a power cut.</para>
/// <para><b>Readers</b> use other connections (<see cref="SqliteReadPool"/>); in WAL mode they read the last
/// committed state beside the writer and never block it.</para>
/// </remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<SqliteWriteRequest> _queue = Channel.CreateUnbounded<SqliteWriteRequest>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly SqliteConnection _connection;
    private readonly SqliteWriteStatements _statements;
    private readonly SqliteCommand _begin, _commit, _rollback;
    private readonly SqliteRawStatement _savepoint, _release, _rollbackToSavepoint;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private Exception? _stopped;

    public SqliteWriter(SqliteConnection connection, int maxBatchSize, ILogger logger)
    {
        _connection = connection;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        _statements = new SqliteWriteStatements(connection);
        _begin = Command("BEGIN IMMEDIATE");
        _commit = Command("COMMIT");
        _rollback = Command("ROLLBACK");
        _savepoint = new SqliteRawStatement(connection, "SAVEPOINT request");
        _release = new SqliteRawStatement(connection, "RELEASE request");
        _rollbackToSavepoint = new SqliteRawStatement(connection, "ROLLBACK TO request");
        // A thread-pool loop: between batches it awaits the queue; during one it blocks its thread on SQLite (and the fsync).
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues the work and completes when the batch holding it has committed.</summary>
    public Task<TResult> Enqueue<TState, TResult>(
        TState state, Func<SqliteWriteStatements, TState, TResult> work, int weight, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new SqliteWriteRequest<TState, TResult>(state, work, weight, cancellationToken);
        if (!_queue.Writer.TryWrite(request))
        {
            throw _stopped is { } stopped
                ? new InvalidOperationException("The SQLite journal's writer stopped on an unexpected error.", stopped)
                : new ObjectDisposedException(nameof(SqliteWriter), "The SQLite journal is closed.");
        }

        return request.Task;
    }

    private async Task RunAsync()
    {
        try
        {
            await RunBatchesAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Only a bug gets here (RunBatch handles database errors): stop taking writes and fail the queued ones.
            _stopped = e;
            PersistenceLog.WriterStopped(_logger, e, SqliteMigrator.Engine);
            _queue.Writer.TryComplete(e);
            while (_queue.Reader.TryRead(out var request))
            {
                request.Fail(e);
            }
        }
    }

    private async Task RunBatchesAsync()
    {
        var batch = new List<SqliteWriteRequest>(_maxBatchSize);
        var failures = new List<Exception?>(_maxBatchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var weight = 0;
            while (weight < _maxBatchSize && reader.TryRead(out var request))
            {
                if (request.CancellationToken.IsCancellationRequested)
                {
                    request.Fail(new OperationCanceledException(request.CancellationToken));
                    continue;
                }

                batch.Add(request);
                weight += request.Weight;
            }

            if (batch.Count > 0)
            {
                RunBatch(batch, failures);
            }

            batch.Clear();
            failures.Clear();
        }
    }

    private void RunBatch(List<SqliteWriteRequest> batch, List<Exception?> failures)
    {
        try
        {
            _begin.ExecuteNonQuery();
            foreach (var request in batch)
            {
                _savepoint.Execute();
                try
                {
                    request.Execute(_statements);
                    failures.Add(null);
                }
                catch (Exception rejected) when (rejected is not SqliteException { SqliteErrorCode: not 19 })
                {
                    // The request's own failure (a rejection, or a constraint): undo it alone. Other SQLite errors
                    // (I/O, disk full, corruption) fall through and fail the whole batch below.
                    _rollbackToSavepoint.Execute();
                    failures.Add(rejected);
                }

                _release.Execute();
            }

            _commit.ExecuteNonQuery();
        }
        catch (Exception batchFailure)
        {
            PersistenceLog.BatchFailed(_logger, batchFailure, SqliteMigrator.Engine, batch.Count);
            try
            {
                if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
                {
                    _rollback.ExecuteNonQuery();
                }
            }
            catch (Exception rollbackFailure)
            {
                // Logged and not rethrown: the loop must live on to serve (or fail) the next batches.
                PersistenceLog.BatchFailed(_logger, rollbackFailure, SqliteMigrator.Engine, batch.Count);
            }

            foreach (var request in batch)
            {
                request.Fail(batchFailure);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } rejected)
            {
                batch[i].Fail(rejected);
            }
            else
            {
                batch[i].Succeed();
            }
        }
    }

    /// <summary>Stops taking writes, finishes the queued ones, and closes the write connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _statements.Dispose();
        foreach (var statement in new[] { _savepoint, _release, _rollbackToSavepoint })
        {
            statement.Dispose();
        }

        foreach (var command in new[] { _begin, _commit, _rollback })
        {
            command.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }
}
