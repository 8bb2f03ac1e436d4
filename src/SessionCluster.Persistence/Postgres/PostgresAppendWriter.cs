using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using SessionCluster.Persistence.Store;
using SessionCluster.Persistence.Schema;

namespace SessionCluster.Persistence.Postgres;

/// <summary>
/// Group commit for PostgreSQL: the appends of all actors on this node, collected by one loop and written in
/// one statement, one round trip and one commit per batch.
/// </summary>
/// <remarks>
/// <para><b>The statement.</b> A batch is sent as arrays: one row per atomic write ("group": persistence id,
/// writer, lowest and highest sequence number) and one row per event. A single statement with data-modifying
/// CTEs then (1) advances <c>persistence_ids.highest_sequence_nr</c> for every group whose row names this
/// writer as the claimant and whose highest is below <c>lowest</c>, and (2) inserts the events of only
/// those groups. It returns the groups that advanced. Because the insert depends on the advance, a group is
/// stored whole or not at all, and a refused group (fenced out, never claimed, sequence taken) leaves nothing
/// behind while the others of the batch commit. The statement runs outside an explicit transaction, so it
/// commits by itself: one round trip per batch. Binary parameters, prepared once on the writer's connection.</para>
/// <para><b>Concurrency and fencing.</b> The advance is an <c>UPDATE … WHERE writer_id = … AND
/// highest_sequence_nr &lt; …</c>: a second node that believes it owns the id blocks on the row lock, re-checks
/// the condition after the first commits, and no longer matches. <c>UNIQUE (persistence_id, sequence_nr)</c>
/// stays as the backstop: if it ever fires (a row the gate did not know of) the whole statement fails and
/// rolls back, and the batch is redone one group per statement so that only the offending write fails.</para>
/// <para><b>Refusals</b> are rare; for them one more query reads the claimant and the highest sequence number,
/// and each caller gets the precise <see cref="WriteRejection"/>.</para>
/// <para><b>Claims.</b> The first write of a writer new to this node (<see cref="AtomicWrite.Claim"/>) runs alone in a
/// transaction with the claim (<see cref="RunClaimAsync"/>); that is once per persistent actor incarnation.</para>
/// <para><b>Order.</b> A batch holds at most one write per persistence id; a second one waits for the next
/// batch, so a persistence id's writes are applied in the order they were queued.</para>
/// <para><b>Pipelining.</b> One writer has one batch in flight; while it is, the next batch collects
/// everything that arrives, which is what group commit needs. <see cref="PostgresStorageOptions.AppendWriters"/>
/// runs several writers, each on its own connection, with every persistence id always on the same one (so its
/// writes stay ordered and two writers never touch the same rows).</para>
/// </remarks>
internal sealed class PostgresAppendWriter : IAsyncDisposable
{
    private const string AppendSql = """
        WITH w AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY
                AS w(persistence_id, writer_id, lowest, highest, idx)
        ), advanced AS (
            UPDATE persistence_ids p SET highest_sequence_nr = w.highest
            FROM w
            WHERE p.persistence_id = w.persistence_id AND p.writer_id = w.writer_id AND p.highest_sequence_nr < w.lowest
            RETURNING w.idx
        ), inserted AS (
            INSERT INTO journal (persistence_id, sequence_nr, serializer_id, manifest, event_manifest, payload, checksum, tags, writer_id, created_at)
            SELECT w.persistence_id, e.sequence_nr, e.serializer_id, e.manifest, e.event_manifest, e.payload, e.checksum, e.tags, w.writer_id, e.created_at
            FROM unnest($5::bigint[], $6::bigint[], $7::integer[], $8::text[], $9::text[], $10::bytea[], $11::integer[], $12::text[], $13::bigint[])
                WITH ORDINALITY AS e(grp, sequence_nr, serializer_id, manifest, event_manifest, payload, checksum, tags, created_at, ord)
            JOIN advanced a ON a.idx = e.grp
            JOIN w ON w.idx = e.grp
            ORDER BY e.ord
            RETURNING 1
        )
        SELECT idx FROM advanced
        """;

    private const string DiagnoseSql = """
        SELECT w.idx, p.writer_id, coalesce(p.highest_sequence_nr, 0)
        FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(persistence_id, writer_id, idx)
        LEFT JOIN persistence_ids p ON p.persistence_id = w.persistence_id
        """;

    // Makes $2 the claimant of $1 unless it held the claim once already (then nothing changes and the caller sees
    // current <> $2 with ever = true: fenced out). Runs in the transaction of the write it precedes.
    private const string ClaimSql = """
        WITH prior AS (
            SELECT (SELECT writer_id FROM persistence_ids WHERE persistence_id = $1) AS current,
                   EXISTS (SELECT 1 FROM journal_claims WHERE persistence_id = $1 AND writer_id = $2) AS ever
        ), history AS (
            INSERT INTO journal_claims (persistence_id, writer_id, claimed_at)
            SELECT $1, $2, $3 FROM prior WHERE NOT prior.ever
            ON CONFLICT (persistence_id, writer_id) DO NOTHING
        ), gate AS (
            INSERT INTO persistence_ids (persistence_id, writer_id, highest_sequence_nr)
            SELECT $1, $2, coalesce((SELECT max(sequence_nr) FROM journal WHERE persistence_id = $1), 0) FROM prior WHERE NOT prior.ever
            ON CONFLICT (persistence_id) DO UPDATE SET writer_id = excluded.writer_id
        )
        SELECT current, ever FROM prior
        """;

    private readonly Channel<PostgresAppendRequest> _queue = Channel.CreateUnbounded<PostgresAppendRequest>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Queue<PostgresAppendRequest> _deferred = new();
    private readonly List<PostgresAppendRequest> _batch = [];
    private readonly List<PostgresAppendRequest> _claims = [];
    private readonly HashSet<string> _idsInBatch = new(StringComparer.Ordinal);
    private readonly PostgresAppendArrays _arrays = new();
    private readonly Task _loop;
    private NpgsqlConnection? _connection;
    private Exception? _stopped;
    private NpgsqlCommand? _append;

    public PostgresAppendWriter(NpgsqlDataSource dataSource, int maxBatchSize, ILogger logger)
    {
        _dataSource = dataSource;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public Task Enqueue(AtomicWrite write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new PostgresAppendRequest(write, cancellationToken);
        if (!_queue.Writer.TryWrite(request))
        {
            throw _stopped is { } stopped
                ? new InvalidOperationException("The PostgreSQL journal's append writer stopped on an unexpected error.", stopped)
                : new ObjectDisposedException(nameof(PostgresAppendWriter), "The PostgreSQL journal is closed.");
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
            // Only a bug gets here (RunBatchAsync handles database errors): stop taking writes and fail the queued ones.
            _stopped = e;
            PersistenceLog.WriterStopped(_logger, e, PostgresMigrator.Engine);
            _queue.Writer.TryComplete(e);
            foreach (var request in _batch.Concat(_claims).Concat(_deferred))
            {
                request.Fail(e);
            }

            while (_queue.Reader.TryRead(out var request))
            {
                request.Fail(e);
            }
        }
        finally
        {
            await ResetConnectionAsync().ConfigureAwait(false);
        }
    }

    private async Task RunBatchesAsync()
    {
        var reader = _queue.Reader;
        while (_deferred.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var weight = 0;
            var deferredNow = _deferred.Count;
            for (var i = 0; i < deferredNow && weight < _maxBatchSize; i++)
            {
                weight += Take(_deferred.Dequeue());
            }

            while (weight < _maxBatchSize && reader.TryRead(out var request))
            {
                weight += Take(request);
            }

            if (_batch.Count > 0)
            {
                await RunBatchAsync().ConfigureAwait(false);
            }

            foreach (var claim in _claims)
            {
                await RunClaimAsync(claim).ConfigureAwait(false);
            }

            _batch.Clear();
            _claims.Clear();
            _idsInBatch.Clear();
        }
    }

    /// <summary>Adds the request to the batch, or defers it when its persistence id is already in it.</summary>
    private int Take(PostgresAppendRequest request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            request.Fail(new OperationCanceledException(request.CancellationToken));
            return 0;
        }

        if (!_idsInBatch.Add(request.Write.PersistenceId))
        {
            _deferred.Enqueue(request);
            return 0;
        }

        (request.Write.Claim ? _claims : _batch).Add(request);
        return request.Write.Events.Count;
    }

    private async Task RunBatchAsync()
    {
        HashSet<long> advanced;
        try
        {
            advanced = await AppendAsync(_batch).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            // The statement failed as a whole and rolled back (a unique violation the gate did not foresee, a
            // deadlock with another node): redo each write alone, so only the offending ones fail.
            PersistenceLog.BatchRedone(_logger, PostgresMigrator.Engine, _batch.Count, e.SqlState);
            await RedoOneByOneAsync().ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            PersistenceLog.BatchFailed(_logger, e, PostgresMigrator.Engine, _batch.Count);
            await ResetConnectionAsync().ConfigureAwait(false);
            foreach (var request in _batch)
            {
                request.Fail(e);
            }

            return;
        }

        List<PostgresAppendRequest>? refused = null;
        for (var i = 0; i < _batch.Count; i++)
        {
            if (advanced.Contains(i + 1))
            {
                _batch[i].Succeed();
            }
            else
            {
                (refused ??= []).Add(_batch[i]);
            }
        }

        if (refused is not null)
        {
            await DiagnoseAsync(refused).ConfigureAwait(false);
        }
    }

    private async Task RedoOneByOneAsync()
    {
        var single = new List<PostgresAppendRequest>(1);
        foreach (var request in _batch)
        {
            single.Clear();
            single.Add(request);
            try
            {
                if ((await AppendAsync(single).ConfigureAwait(false)).Count == 1)
                {
                    request.Succeed();
                }
                else
                {
                    await DiagnoseAsync(single).ConfigureAwait(false);
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                var write = request.Write;
                request.Fail(new JournalWriteRejectedException(write.PersistenceId, write.LowestSequenceNr, write.WriterId, WriteRejection.SequenceNrTaken));
            }
            catch (Exception e)
            {
                PersistenceLog.BatchFailed(_logger, e, PostgresMigrator.Engine, 1);
                if (e is not PostgresException)
                {
                    await ResetConnectionAsync().ConfigureAwait(false);
                }

                request.Fail(e);
            }
        }
    }

    /// <summary>
    /// A write whose writer is new to this node: the claim and the write in one transaction, so a claim never
    /// outlives a write that failed (a writer that loses the race for a sequence number displaces nobody).
    /// </summary>
    private async Task RunClaimAsync(PostgresAppendRequest request)
    {
        var write = request.Write;
        var single = new List<PostgresAppendRequest>(1) { request };
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (var claim = new NpgsqlCommand(ClaimSql, connection, transaction))
            {
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.PersistenceId });
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.WriterId });
                claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.UtcNow });
                await using var reader = await claim.ExecuteReaderAsync().ConfigureAwait(false);
                await reader.ReadAsync().ConfigureAwait(false);
                var current = reader.IsDBNull(0) ? null : reader.GetString(0);
                if (reader.GetBoolean(1) && current != write.WriterId)
                {
                    await reader.DisposeAsync().ConfigureAwait(false);
                    await transaction.RollbackAsync().ConfigureAwait(false);
                    request.Fail(WriteRejections.FencedOut(write));
                    return;
                }
            }

            if ((await AppendAsync(single).ConfigureAwait(false)).Count == 1)
            {
                await transaction.CommitAsync().ConfigureAwait(false);
                request.Succeed();
                return;
            }

            // Diagnosed inside the transaction, where this writer holds the claim: the reason is the sequence number.
            await DiagnoseAsync(single).ConfigureAwait(false);
            await transaction.RollbackAsync().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            request.Fail(new JournalWriteRejectedException(write.PersistenceId, write.LowestSequenceNr, write.WriterId, WriteRejection.SequenceNrTaken));
        }
        catch (Exception e)
        {
            PersistenceLog.BatchFailed(_logger, e, PostgresMigrator.Engine, 1);
            await ResetConnectionAsync().ConfigureAwait(false);
            request.Fail(e);
        }
    }

    /// <summary>Runs the append statement; returns the 1-based indexes of the writes that were stored.</summary>
    private async Task<HashSet<long>> AppendAsync(List<PostgresAppendRequest> requests)
    {
        var command = await AppendCommandAsync().ConfigureAwait(false);
        _arrays.Fill(requests);
        var advanced = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            advanced.Add(reader.GetInt64(0));
        }

        return advanced;
    }

    /// <summary>Fails each refused write with its precise reason.</summary>
    private async Task DiagnoseAsync(List<PostgresAppendRequest> refused)
    {
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand(DiagnoseSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = refused.Select(r => r.Write.PersistenceId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = refused.Select(r => r.Write.WriterId).ToArray() });
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var request = refused[(int)reader.GetInt64(0) - 1];
                var write = request.Write;
                var current = reader.IsDBNull(1) ? null : reader.GetString(1);
                var highest = reader.GetInt64(2);
                if (current == write.WriterId && write.LowestSequenceNr > highest)
                {
                    // Acceptable now, so when the statement ran another writer held the claim (and this one has
                    // claimed again since): the write was fenced out then. Not retried, which could reorder it.
                    request.Fail(WriteRejections.FencedOut(write));
                    continue;
                }

                request.Fail(WriteRejections.Diagnose(write, current, highest));
            }
        }
        catch (Exception e)
        {
            PersistenceLog.BatchFailed(_logger, e, PostgresMigrator.Engine, refused.Count);
            foreach (var request in refused)
            {
                request.Fail(e);
            }
        }
    }

    private async ValueTask<NpgsqlCommand> AppendCommandAsync()
    {
        if (_append is not null)
        {
            return _append;
        }

        var connection = await ConnectionAsync().ConfigureAwait(false);
        var command = new NpgsqlCommand(AppendSql, connection);
        _arrays.AddParameters(command.Parameters);
        await command.PrepareAsync().ConfigureAwait(false);
        return _append = command;
    }

    private async ValueTask<NpgsqlConnection> ConnectionAsync() =>
        _connection ??= await _dataSource.OpenConnectionAsync().ConfigureAwait(false);

    /// <summary>After a connection-level failure: drop the connection; the next batch opens and prepares a new one.</summary>
    private async Task ResetConnectionAsync()
    {
        if (_append is not null)
        {
            await _append.DisposeAsync().ConfigureAwait(false);
            _append = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
