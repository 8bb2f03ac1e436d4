using Microsoft.Data.Sqlite;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>Snapshots in the SQLite file: saves and deletes through the database's single writer, loads on read connections.</summary>
internal sealed class SqliteSnapshotRows(SqliteDatabase database) : ISnapshotRows
{
    public Task SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.SequenceNr);
        return database.Writer.Enqueue(snapshot, static (s, entry) =>
        {
            s.SaveSnapshot(entry);
            return true;
        }, 1, cancellationToken);
    }

    public async Task<SnapshotEntry?> LoadAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var connection = await database.Reads.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var load = connection.LatestSnapshot;
            BindCriteria(load.Parameters, persistenceId, criteria);
            using var reader = load.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var sequenceNr = reader.GetInt64(0);
            var manifest = reader.GetString(2);
            var payload = reader.IsDBNull(3) ? [] : (byte[])reader.GetValue(3);
            if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(4))
            {
                throw new JournalCorruptionException(persistenceId, sequenceNr, "the snapshot payload does not match its checksum");
            }

            return new SnapshotEntry(persistenceId, sequenceNr, reader.GetInt32(1), manifest, payload, new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero));
        }
        finally
        {
            database.Reads.Return(connection);
        }
    }

    public Task DeleteAsync(string persistenceId, long sequenceNr, long maxTimestampTicks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        return database.Writer.Enqueue((persistenceId, sequenceNr, maxTimestampTicks), static (s, d) =>
        {
            s.DeleteSnapshot(d.persistenceId, d.sequenceNr, d.maxTimestampTicks);
            return true;
        }, 1, cancellationToken);
    }

    public Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        return database.Writer.Enqueue((persistenceId, criteria), static (s, d) =>
        {
            s.DeleteSnapshots(d.persistenceId, d.criteria);
            return true;
        }, 1, cancellationToken);
    }

    /// <summary>Binds persistence id and criteria to a statement whose parameters are in that order.</summary>
    internal static void BindCriteria(SqliteParameterCollection parameters, string persistenceId, SnapshotCriteria criteria)
    {
        parameters[0].Value = persistenceId;
        parameters[1].Value = criteria.MaxSequenceNr;
        parameters[2].Value = criteria.MaxTimestampTicks;
        parameters[3].Value = criteria.MinSequenceNr;
        parameters[4].Value = criteria.MinTimestampTicks;
    }
}
