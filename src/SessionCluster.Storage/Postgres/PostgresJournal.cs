using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Postgres;

/// <summary>
/// The cluster journal: appends go through the node's group-commit writer (<see cref="PostgresAppendWriter"/>);
/// claims, deletions and reads are single statements on pooled connections.
/// </summary>
public sealed class PostgresJournal : IJournal
{
    private const string ClaimSql = """
        WITH history AS (
            INSERT INTO journal_claims (persistence_id, writer_id, claimed_at) VALUES ($1, $2, now())
            ON CONFLICT (persistence_id, writer_id) DO NOTHING
        )
        INSERT INTO persistence_ids (persistence_id, writer_id, highest_sequence_nr)
        VALUES ($1, $2, coalesce((SELECT max(sequence_nr) FROM journal WHERE persistence_id = $1), 0))
        ON CONFLICT (persistence_id) DO UPDATE SET writer_id = excluded.writer_id
        RETURNING highest_sequence_nr
        """;

    // A page is a closed range of sequence numbers, not "from … LIMIT n": with stale statistics (a hot id whose
    // rows arrived since the last ANALYZE) the planner estimates a handful of rows and picks a bitmap scan that
    // sorts everything after "from" for every page, which made a 100,000-event replay quadratic.
    private const string ReplaySql = """
        SELECT sequence_nr, manifest, payload, checksum, writer_id, created_at FROM journal
        WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3
        ORDER BY sequence_nr
        """;

    private const string LowestFromSql = "SELECT min(sequence_nr) FROM journal WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3";

    private readonly PostgresDatabase _database;
    private readonly bool _ownsDatabase;

    internal PostgresJournal(PostgresDatabase database, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>Opens a database of its own; disposing the journal closes it.</summary>
    public static async Task<PostgresJournal> OpenAsync(PostgresStorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        new(await PostgresDatabase.OpenAsync(options, logger, cancellationToken).ConfigureAwait(false), ownsDatabase: true);

    /// <inheritdoc />
    public async ValueTask<long> ClaimAsync(string persistenceId, string writerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(writerId);
        await using var command = _database.DataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = writerId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        write.Validate();
        return new(_database.WriterFor(write.PersistenceId).Enqueue(write, cancellationToken));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<JournalEvent> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var pageSize = _database.Options.ReplayPageSize;
        var page = new List<JournalEvent>(Math.Min(pageSize, 1024));
        var next = Math.Max(fromSequenceNr, 1);
        while (next <= toSequenceNr)
        {
            var upper = toSequenceNr - next >= pageSize - 1 ? next + pageSize - 1 : toSequenceNr;
            page.Clear();
            await ReadPageAsync(persistenceId, next, upper, page, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                // Before the first stored event (deleted, or never written): jump to it, if there is one.
                if (await LowestFromAsync(persistenceId, next, toSequenceNr, cancellationToken).ConfigureAwait(false) is not { } lowest)
                {
                    yield break;
                }

                next = lowest;
                continue;
            }

            foreach (var e in page)
            {
                yield return e;
            }

            // From the first stored event on, sequence numbers are gapless: a page that stops short is the end.
            if (page[^1].SequenceNr < upper || upper == toSequenceNr)
            {
                yield break;
            }

            next = upper + 1;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = _database.DataSource.CreateCommand("SELECT highest_sequence_nr FROM persistence_ids WHERE persistence_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long highest ? highest : 0;
    }

    /// <inheritdoc />
    public async ValueTask DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        // persistence_ids keeps the highest sequence number; only the events go.
        await using var command = _database.DataSource.CreateCommand("DELETE FROM journal WHERE persistence_id = $1 AND sequence_nr <= $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;

    private async Task<long?> LowestFromAsync(string persistenceId, long from, long to, CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(LowestFromSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long lowest ? lowest : null;
    }

    private async Task ReadPageAsync(string persistenceId, long from, long to, List<JournalEvent> page, CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(ReplaySql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sequenceNr = reader.GetInt64(0);
            var manifest = reader.GetString(1);
            var payload = reader.GetFieldValue<byte[]>(2);
            if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(3))
            {
                throw new JournalCorruptionException(persistenceId, sequenceNr, "the payload does not match its checksum");
            }

            page.Add(new JournalEvent(persistenceId, sequenceNr, manifest, payload, reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
    }
}
