using Microsoft.Extensions.Logging;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Sqlite;

/// <summary>Snapshots in the same SQLite file as the journal, written through the same single writer.</summary>
public sealed class SqliteSnapshotStore : ISnapshotStore
{
    private readonly SqliteDatabase _database;
    private readonly bool _ownsDatabase;

    internal SqliteSnapshotStore(SqliteDatabase database, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>Opens a database of its own; disposing the store closes it.</summary>
    public static async Task<SqliteSnapshotStore> OpenAsync(SqliteStorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        new(await SqliteDatabase.OpenAsync(options, logger, cancellationToken).ConfigureAwait(false), ownsDatabase: true);

    /// <inheritdoc />
    public ValueTask SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.SequenceNr);
        return new(_database.Writer.Enqueue(snapshot, static (s, entry) =>
        {
            s.SaveSnapshot(entry);
            return true;
        }, 1, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<SnapshotEntry?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var connection = await _database.Reads.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var load = connection.LatestSnapshot;
            load.Parameters[0].Value = persistenceId;
            load.Parameters[1].Value = maxSequenceNr;
            using var reader = load.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var sequenceNr = reader.GetInt64(0);
            var manifest = reader.GetString(1);
            var payload = reader.IsDBNull(2) ? [] : (byte[])reader.GetValue(2);
            if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(3))
            {
                throw new JournalCorruptionException(persistenceId, sequenceNr, "the snapshot payload does not match its checksum");
            }

            return new SnapshotEntry(persistenceId, sequenceNr, manifest, payload, new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero));
        }
        finally
        {
            _database.Reads.Return(connection);
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteUpToAsync(string persistenceId, long maxSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        return new(_database.Writer.Enqueue((persistenceId, maxSequenceNr), static (s, d) =>
        {
            s.DeleteSnapshots(d.persistenceId, d.maxSequenceNr);
            return true;
        }, 1, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;
}
