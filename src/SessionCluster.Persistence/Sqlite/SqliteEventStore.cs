using System.Runtime.CompilerServices;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// The embedded event store: appends and deletions go through the database's single batching writer
/// (<see cref="SqliteWriter"/>); replays and reads run on pooled read connections beside it.
/// </summary>
internal sealed class SqliteEventStore(SqliteDatabase database) : IEventStore
{
    public Task AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        write.Validate();
        return database.Writer.Enqueue(write, static (s, w) =>
        {
            s.Append(w);
            return true;
        }, write.Events.Count, cancellationToken);
    }

    public async IAsyncEnumerable<JournalEvent> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, long max = long.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var pageSize = database.Options.ReplayPageSize;
        var page = new List<JournalEvent>(Math.Min(pageSize, 1024));
        var next = Math.Max(fromSequenceNr, 0);
        var left = max;
        while (next <= toSequenceNr && left > 0)
        {
            page.Clear();
            var limit = (int)Math.Min(pageSize, left);
            await ReadPageAsync(persistenceId, next, toSequenceNr, limit, page, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                yield return e;
            }

            left -= page.Count;
            if (page.Count < limit || page[^1].SequenceNr == long.MaxValue)
            {
                yield break;
            }

            next = page[^1].SequenceNr + 1;
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var connection = await database.Reads.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Highest.Parameters[0].Value = persistenceId;
            return connection.Highest.ExecuteScalar() is long highest ? highest : 0;
        }
        finally
        {
            database.Reads.Return(connection);
        }
    }

    public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        return database.Writer.Enqueue((persistenceId, toSequenceNr), static (s, d) =>
        {
            s.DeleteEvents(d.persistenceId, d.toSequenceNr);
            return true;
        }, 1, cancellationToken);
    }

    private async ValueTask ReadPageAsync(string persistenceId, long from, long to, int limit, List<JournalEvent> page, CancellationToken cancellationToken)
    {
        var connection = await database.Reads.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var replay = connection.Replay;
            replay.Parameters[0].Value = persistenceId;
            replay.Parameters[1].Value = from;
            replay.Parameters[2].Value = to;
            replay.Parameters[3].Value = limit;
            using var reader = replay.ExecuteReader();
            while (reader.Read())
            {
                // sequence_nr, serializer_id, manifest, event_manifest, payload, checksum, tags, writer_id, created_at
                var sequenceNr = reader.GetInt64(0);
                var manifest = reader.GetString(2);
                var payload = reader.IsDBNull(4) ? [] : (byte[])reader.GetValue(4);
                if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(5))
                {
                    throw new JournalCorruptionException(persistenceId, sequenceNr, "the payload does not match its checksum");
                }

                page.Add(new JournalEvent(
                    persistenceId, sequenceNr, reader.GetInt32(1), manifest, reader.GetString(3), payload, reader.GetString(6), reader.GetString(7),
                    new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero)));
            }
        }
        finally
        {
            database.Reads.Return(connection);
        }
    }
}
