using Microsoft.Data.Sqlite;
using SessionCluster.Persistence.Schema;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// The prepared statements of the single write connection, and the write operations built on them. Only
/// <see cref="SqliteWriter"/>'s loop calls these, inside its open transaction and a savepoint per request:
/// a method that throws has left nothing the savepoint does not undo.
/// </summary>
internal sealed class SqliteWriteStatements : IDisposable
{
    private readonly SqliteRawStatement _advance;
    private readonly SqliteRawStatement _insert;
    private readonly SqliteCommand _gate;
    private readonly SqliteCommand _claim;
    private readonly SqliteCommand _recordClaim;
    private readonly SqliteCommand _deleteEvents;
    private readonly SqliteCommand _saveSnapshot;
    private readonly SqliteCommand _deleteSnapshot;
    private readonly SqliteCommand _deleteSnapshots;
    private readonly List<SqliteCommand> _all = [];

    public SqliteWriteStatements(SqliteConnection connection)
    {
        // Sequence numbers only grow: a write Akka rejected (serialization) leaves a gap, which is allowed.
        _advance = new SqliteRawStatement(connection, """
            UPDATE persistence_ids SET highest_sequence_nr = ?1
            WHERE persistence_id = ?2 AND writer_id = ?3 AND highest_sequence_nr < ?4
            """);
        _insert = new SqliteRawStatement(connection, """
            INSERT INTO journal (persistence_id, sequence_nr, serializer_id, manifest, event_manifest, payload, checksum, tags, writer_id, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """);
        _gate = Prepare(connection, """
            SELECT (SELECT writer_id FROM persistence_ids WHERE persistence_id = $pid),
                   coalesce((SELECT highest_sequence_nr FROM persistence_ids WHERE persistence_id = $pid), 0),
                   EXISTS (SELECT 1 FROM journal_claims WHERE persistence_id = $pid AND writer_id = $writer)
            """, ("$pid", SqliteType.Text), ("$writer", SqliteType.Text));
        _claim = Prepare(connection, """
            INSERT INTO persistence_ids (persistence_id, writer_id, highest_sequence_nr)
            VALUES ($pid, $writer, coalesce((SELECT max(sequence_nr) FROM journal WHERE persistence_id = $pid), 0))
            ON CONFLICT (persistence_id) DO UPDATE SET writer_id = excluded.writer_id
            """, ("$pid", SqliteType.Text), ("$writer", SqliteType.Text));
        _recordClaim = Prepare(connection, """
            INSERT INTO journal_claims (persistence_id, writer_id, claimed_at) VALUES ($pid, $writer, $at)
            ON CONFLICT (persistence_id, writer_id) DO NOTHING
            """, ("$pid", SqliteType.Text), ("$writer", SqliteType.Text), ("$at", SqliteType.Integer));
        _deleteEvents = Prepare(connection, "DELETE FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to",
            ("$pid", SqliteType.Text), ("$to", SqliteType.Integer));
        _saveSnapshot = Prepare(connection, """
            INSERT INTO snapshots (persistence_id, sequence_nr, serializer_id, manifest, payload, checksum, created_at)
            VALUES ($pid, $seq, $serializer, $manifest, $payload, $checksum, $created)
            ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET serializer_id = excluded.serializer_id,
                manifest = excluded.manifest, payload = excluded.payload, checksum = excluded.checksum, created_at = excluded.created_at
            """, ("$pid", SqliteType.Text), ("$seq", SqliteType.Integer), ("$serializer", SqliteType.Integer), ("$manifest", SqliteType.Text),
            ("$payload", SqliteType.Blob), ("$checksum", SqliteType.Integer), ("$created", SqliteType.Integer));
        _deleteSnapshot = Prepare(connection, "DELETE FROM snapshots WHERE persistence_id = $pid AND sequence_nr = $seq AND created_at <= $maxTime",
            ("$pid", SqliteType.Text), ("$seq", SqliteType.Integer), ("$maxTime", SqliteType.Integer));
        _deleteSnapshots = Prepare(connection, """
            DELETE FROM snapshots WHERE persistence_id = $pid AND sequence_nr <= $maxSeq AND created_at <= $maxTime
              AND sequence_nr >= $minSeq AND created_at >= $minTime
            """, ("$pid", SqliteType.Text), ("$maxSeq", SqliteType.Integer), ("$maxTime", SqliteType.Integer),
            ("$minSeq", SqliteType.Integer), ("$minTime", SqliteType.Integer));
    }

    /// <summary>Stores every event of the write or throws (the caller's savepoint then undoes any part, the claim too).</summary>
    public void Append(AtomicWrite write)
    {
        if (write.Claim)
        {
            Claim(write);
        }

        // The gate: one row per persistence id advances only for its claimant and only above the highest stored.
        // Zero rows changed means refused; the diagnosis names the reason.
        _advance.Bind(1, write.HighestSequenceNr);
        _advance.Bind(2, write.PersistenceId);
        _advance.Bind(3, write.WriterId);
        _advance.Bind(4, write.LowestSequenceNr);
        if (_advance.Execute() != 1)
        {
            var (current, highest, _) = ReadGate(write);
            throw WriteRejections.Diagnose(write, current, highest);
        }

        _insert.Bind(1, write.PersistenceId);
        _insert.Bind(9, write.WriterId);
        foreach (var e in write.Events)
        {
            var payload = e.Payload.Span;
            _insert.Bind(2, e.SequenceNr);
            _insert.Bind(3, e.SerializerId);
            _insert.Bind(4, e.Manifest);
            _insert.Bind(5, e.EventManifest);
            _insert.Bind(6, payload);
            _insert.Bind(7, PayloadChecksum.Compute(e.Manifest, payload));
            _insert.Bind(8, e.Tags);
            _insert.Bind(10, e.Timestamp.UtcTicks);
            try
            {
                _insert.Execute();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT: the unique key, a row the gate did not know of */)
            {
                throw new JournalWriteRejectedException(write.PersistenceId, e.SequenceNr, write.WriterId, WriteRejection.SequenceNrTaken);
            }
        }
    }

    public void DeleteEvents(string persistenceId, long toSequenceNr)
    {
        _deleteEvents.Parameters[0].Value = persistenceId;
        _deleteEvents.Parameters[1].Value = toSequenceNr;
        _deleteEvents.ExecuteNonQuery();
    }

    public void SaveSnapshot(SnapshotEntry snapshot)
    {
        var p = _saveSnapshot.Parameters;
        p[0].Value = snapshot.PersistenceId;
        p[1].Value = snapshot.SequenceNr;
        p[2].Value = snapshot.SerializerId;
        p[3].Value = snapshot.Manifest;
        p[4].Value = PayloadArrays.AsArray(snapshot.Payload);
        p[5].Value = PayloadChecksum.Compute(snapshot.Manifest, snapshot.Payload.Span);
        p[6].Value = snapshot.Timestamp.UtcTicks;
        _saveSnapshot.ExecuteNonQuery();
    }

    public void DeleteSnapshot(string persistenceId, long sequenceNr, long maxTimestampTicks)
    {
        _deleteSnapshot.Parameters[0].Value = persistenceId;
        _deleteSnapshot.Parameters[1].Value = sequenceNr;
        _deleteSnapshot.Parameters[2].Value = maxTimestampTicks;
        _deleteSnapshot.ExecuteNonQuery();
    }

    public void DeleteSnapshots(string persistenceId, SnapshotCriteria criteria)
    {
        SqliteSnapshotRows.BindCriteria(_deleteSnapshots.Parameters, persistenceId, criteria);
        _deleteSnapshots.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _advance.Dispose();
        _insert.Dispose();
        foreach (var command in _all)
        {
            command.Dispose();
        }
    }

    /// <summary>Makes the write's writer the claimant, unless it held the claim once and lost it.</summary>
    private void Claim(AtomicWrite write)
    {
        var (current, _, everClaimed) = ReadGate(write);
        if (current == write.WriterId)
        {
            return;
        }

        if (everClaimed)
        {
            throw WriteRejections.FencedOut(write);
        }

        _recordClaim.Parameters[0].Value = write.PersistenceId;
        _recordClaim.Parameters[1].Value = write.WriterId;
        _recordClaim.Parameters[2].Value = DateTime.UtcNow.Ticks;
        _recordClaim.ExecuteNonQuery();
        _claim.Parameters[0].Value = write.PersistenceId;
        _claim.Parameters[1].Value = write.WriterId;
        _claim.ExecuteNonQuery();
    }

    private (string? Current, long Highest, bool EverClaimed) ReadGate(AtomicWrite write)
    {
        _gate.Parameters[0].Value = write.PersistenceId;
        _gate.Parameters[1].Value = write.WriterId;
        using var reader = _gate.ExecuteReader();
        reader.Read();
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2) != 0);
    }

    private SqliteCommand Prepare(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        command.Prepare();
        _all.Add(command);
        return command;
    }
}
