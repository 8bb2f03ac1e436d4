using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Sqlite;

/// <summary>
/// The embedded journal: appends, claims and deletions go through the database's single batching writer
/// (<see cref="SqliteWriter"/>); replays and reads run on pooled read connections beside it.
/// </summary>
public sealed class SqliteJournal : IJournal
{
    private readonly SqliteDatabase _database;
    private readonly bool _ownsDatabase;

    internal SqliteJournal(SqliteDatabase database, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>Opens a database of its own; disposing the journal closes it.</summary>
    public static async Task<SqliteJournal> OpenAsync(SqliteStorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        new(await SqliteDatabase.OpenAsync(options, logger, cancellationToken).ConfigureAwait(false), ownsDatabase: true);

    /// <inheritdoc />
    public ValueTask<long> ClaimAsync(string persistenceId, string writerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(writerId);
        return new(_database.Writer.Enqueue(
            (persistenceId, writerId), static (s, claim) => s.Claim(claim.persistenceId, claim.writerId), 1, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        write.Validate();
        return new(_database.Writer.Enqueue(write, static (s, w) =>
        {
            s.Append(w);
            return true;
        }, write.Events.Count, cancellationToken));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<JournalEvent> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var pageSize = _database.Options.ReplayPageSize;
        var page = new List<JournalEvent>(Math.Min(pageSize, 1024));
        var next = Math.Max(fromSequenceNr, 0);
        while (next <= toSequenceNr)
        {
            page.Clear();
            await ReadPageAsync(persistenceId, next, toSequenceNr, pageSize, page, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                yield return e;
            }

            if (page.Count < pageSize || page[^1].SequenceNr == long.MaxValue)
            {
                yield break;
            }

            next = page[^1].SequenceNr + 1;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var connection = await _database.Reads.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Highest.Parameters[0].Value = persistenceId;
            return connection.Highest.ExecuteScalar() is long highest ? highest : 0;
        }
        finally
        {
            _database.Reads.Return(connection);
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        return new(_database.Writer.Enqueue((persistenceId, toSequenceNr), static (s, d) =>
        {
            s.DeleteEvents(d.persistenceId, d.toSequenceNr);
            return true;
        }, 1, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;

    private async ValueTask ReadPageAsync(string persistenceId, long from, long to, int pageSize, List<JournalEvent> page, CancellationToken cancellationToken)
    {
        var connection = await _database.Reads.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var replay = connection.Replay;
            replay.Parameters[0].Value = persistenceId;
            replay.Parameters[1].Value = from;
            replay.Parameters[2].Value = to;
            replay.Parameters[3].Value = pageSize;
            using var reader = replay.ExecuteReader();
            while (reader.Read())
            {
                var sequenceNr = reader.GetInt64(0);
                var manifest = reader.GetString(1);
                var payload = reader.IsDBNull(2) ? [] : (byte[])reader.GetValue(2);
                if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(3))
                {
                    throw new JournalCorruptionException(persistenceId, sequenceNr, "the payload does not match its checksum");
                }

                page.Add(new JournalEvent(
                    persistenceId, sequenceNr, manifest, payload, reader.GetString(4), new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero)));
            }
        }
        finally
        {
            _database.Reads.Return(connection);
        }
    }
}
