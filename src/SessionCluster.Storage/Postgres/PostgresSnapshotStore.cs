using Microsoft.Extensions.Logging;
using Npgsql;
using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Schema;

namespace SessionCluster.Storage.Postgres;

/// <summary>Snapshots in the journal's PostgreSQL database; each call is one statement on a pooled connection.</summary>
public sealed class PostgresSnapshotStore : ISnapshotStore
{
    private readonly PostgresDatabase _database;
    private readonly bool _ownsDatabase;

    internal PostgresSnapshotStore(PostgresDatabase database, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>Opens a database of its own; disposing the store closes it.</summary>
    public static async Task<PostgresSnapshotStore> OpenAsync(PostgresStorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        new(await PostgresDatabase.OpenAsync(options, logger, cancellationToken).ConfigureAwait(false), ownsDatabase: true);

    /// <inheritdoc />
    public async ValueTask SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.SequenceNr);
        await using var command = _database.DataSource.CreateCommand("""
            INSERT INTO snapshots (persistence_id, sequence_nr, manifest, payload, checksum, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET
                manifest = excluded.manifest, payload = excluded.payload, checksum = excluded.checksum, created_at = excluded.created_at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.PersistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.SequenceNr });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Manifest });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = PayloadArrays.AsArray(snapshot.Payload) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PayloadChecksum.Compute(snapshot.Manifest, snapshot.Payload.Span) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = snapshot.Timestamp.UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SnapshotEntry?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = _database.DataSource.CreateCommand("""
            SELECT sequence_nr, manifest, payload, checksum, created_at FROM snapshots
            WHERE persistence_id = $1 AND sequence_nr <= $2
            ORDER BY sequence_nr DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxSequenceNr });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var sequenceNr = reader.GetInt64(0);
        var manifest = reader.GetString(1);
        var payload = reader.GetFieldValue<byte[]>(2);
        if (PayloadChecksum.Compute(manifest, payload) != reader.GetInt32(3))
        {
            throw new JournalCorruptionException(persistenceId, sequenceNr, "the snapshot payload does not match its checksum");
        }

        return new SnapshotEntry(persistenceId, sequenceNr, manifest, payload, reader.GetFieldValue<DateTimeOffset>(4));
    }

    /// <inheritdoc />
    public async ValueTask DeleteUpToAsync(string persistenceId, long maxSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = _database.DataSource.CreateCommand("DELETE FROM snapshots WHERE persistence_id = $1 AND sequence_nr <= $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxSequenceNr });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;
}
