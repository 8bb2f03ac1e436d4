using System.Runtime.CompilerServices;
using Npgsql;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Postgres;

/// <summary>
/// The cluster event store: appends go through the node's group-commit writer (<see cref="PostgresAppendWriter"/>);
/// deletions and reads are single statements on pooled connections.
/// </summary>
internal sealed class PostgresEventStore(PostgresDatabase database) : IEventStore
{
    // A page is a closed range of sequence numbers, not "from … LIMIT n": with stale statistics (a hot id whose
    // rows arrived since the last ANALYZE) the planner estimates a handful of rows and picks a bitmap scan that
    // sorts everything after "from" for every page, which made a 100,000-event replay quadratic.
    private const string ReplaySql = """
        SELECT sequence_nr, serializer_id, manifest, event_manifest, payload, checksum, tags, writer_id, created_at FROM journal
        WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3
        ORDER BY sequence_nr
        """;

    private const string LowestFromSql = "SELECT min(sequence_nr) FROM journal WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3";

    public Task AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        write.Validate();
        return database.WriterFor(write.PersistenceId).Enqueue(write, cancellationToken);
    }

    public async IAsyncEnumerable<JournalEvent> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, long max = long.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var pageSize = database.Options.ReplayPageSize;
        var page = new List<JournalEvent>(Math.Min(pageSize, 1024));
        var next = Math.Max(fromSequenceNr, 1);
        var left = max;
        while (next <= toSequenceNr && left > 0)
        {
            var upper = toSequenceNr - next >= pageSize - 1 ? next + pageSize - 1 : toSequenceNr;
            page.Clear();
            await ReadPageAsync(persistenceId, next, upper, page, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                // Nothing stored in this range (deleted, a gap Akka's rejected writes left, or never written): jump to
                // the next stored event, if there is one.
                if (await LowestFromAsync(persistenceId, next, toSequenceNr, cancellationToken).ConfigureAwait(false) is not { } lowest)
                {
                    yield break;
                }

                next = lowest;
                continue;
            }

            foreach (var e in page)
            {
                if (left-- == 0)
                {
                    yield break;
                }

                yield return e;
            }

            if (upper == toSequenceNr)
            {
                yield break;
            }

            next = upper + 1;
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = database.DataSource.CreateCommand("SELECT highest_sequence_nr FROM persistence_ids WHERE persistence_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long highest ? highest : 0;
    }

    public async Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        // persistence_ids keeps the highest sequence number; only the events go.
        await using var command = database.DataSource.CreateCommand("DELETE FROM journal WHERE persistence_id = $1 AND sequence_nr <= $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<long?> LowestFromAsync(string persistenceId, long from, long to, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(LowestFromSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long lowest ? lowest : null;
    }

    private async Task ReadPageAsync(string persistenceId, long from, long to, List<JournalEvent> page, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(ReplaySql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sequenceNr = reader.GetInt64(0);
            var manifest = reader.GetString(2);
            var payload = reader.GetFieldValue<byte[]>(4);
            if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(5))
            {
                throw new JournalCorruptionException(persistenceId, sequenceNr, "the payload does not match its checksum");
            }

            page.Add(new JournalEvent(
                persistenceId, sequenceNr, reader.GetInt32(1), manifest, reader.GetString(3), payload, reader.GetString(6), reader.GetString(7),
                new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero)));
        }
    }
}
