using Npgsql;
using SessionCluster.Persistence.Schema;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Postgres;

/// <summary>Snapshots in PostgreSQL: one statement each on pooled connections (snapshots are rare beside events).</summary>
internal sealed class PostgresSnapshotRows(PostgresDatabase database) : ISnapshotRows
{
    private const string Criteria = "persistence_id = $1 AND sequence_nr <= $2 AND created_at <= $3 AND sequence_nr >= $4 AND created_at >= $5";

    public async Task SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.SequenceNr);
        await using var command = database.DataSource.CreateCommand("""
            INSERT INTO snapshots (persistence_id, sequence_nr, serializer_id, manifest, payload, checksum, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET serializer_id = excluded.serializer_id,
                manifest = excluded.manifest, payload = excluded.payload, checksum = excluded.checksum, created_at = excluded.created_at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.PersistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.SequenceNr });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = snapshot.SerializerId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Manifest });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = PayloadArrays.AsArray(snapshot.Payload) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PayloadChecksum.Compute(snapshot.Manifest, snapshot.Payload.Span) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Timestamp.UtcTicks });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SnapshotEntry?> LoadAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = database.DataSource.CreateCommand(
            $"SELECT sequence_nr, serializer_id, manifest, payload, checksum, created_at FROM snapshots WHERE {Criteria} ORDER BY sequence_nr DESC LIMIT 1");
        Bind(command, persistenceId, criteria);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var sequenceNr = reader.GetInt64(0);
        var manifest = reader.GetString(2);
        var payload = reader.GetFieldValue<byte[]>(3);
        if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(4))
        {
            throw new JournalCorruptionException(persistenceId, sequenceNr, "the snapshot payload does not match its checksum");
        }

        return new SnapshotEntry(persistenceId, sequenceNr, reader.GetInt32(1), manifest, payload, new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero));
    }

    public async Task DeleteAsync(string persistenceId, long sequenceNr, long maxTimestampTicks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = database.DataSource.CreateCommand(
            "DELETE FROM snapshots WHERE persistence_id = $1 AND sequence_nr = $2 AND created_at <= $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequenceNr });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxTimestampTicks });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = database.DataSource.CreateCommand($"DELETE FROM snapshots WHERE {Criteria}");
        Bind(command, persistenceId, criteria);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlCommand command, string persistenceId, SnapshotCriteria criteria)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MaxSequenceNr });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MaxTimestampTicks });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MinSequenceNr });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = criteria.MinTimestampTicks });
    }
}
