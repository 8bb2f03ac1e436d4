using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Schema;

namespace SessionCluster.Storage.Sqlite;

/// <summary>
/// The prepared statements of the single write connection, and the write operations built on them. Only
/// <see cref="SqliteWriter"/>'s loop calls these, inside its open transaction and a savepoint per request:
/// a method that throws has left nothing the savepoint does not undo.
/// </summary>
internal sealed class SqliteWriteStatements : IDisposable
{
    private readonly SqliteRawStatement _advance;
    private readonly SqliteRawStatement _insert;
    private readonly SqliteCommand _diagnose;
    private readonly SqliteCommand _claim;
    private readonly SqliteCommand _recordClaim;
    private readonly SqliteCommand _deleteEvents;
    private readonly SqliteCommand _saveSnapshot;
    private readonly SqliteCommand _deleteSnapshots;
    private readonly List<SqliteCommand> _all = [];

    public SqliteWriteStatements(SqliteConnection connection)
    {
        _advance = new SqliteRawStatement(connection, """
            UPDATE persistence_ids SET highest_sequence_nr = ?1
            WHERE persistence_id = ?2 AND writer_id = ?3 AND highest_sequence_nr = ?4 - 1
            """);
        _insert = new SqliteRawStatement(connection, """
            INSERT INTO journal (persistence_id, sequence_nr, manifest, payload, checksum, writer_id, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """);
        _diagnose = Prepare(connection, """
            SELECT (SELECT writer_id FROM persistence_ids WHERE persistence_id = $pid),
                   coalesce((SELECT highest_sequence_nr FROM persistence_ids WHERE persistence_id = $pid), 0),
                   EXISTS (SELECT 1 FROM journal_claims WHERE persistence_id = $pid AND writer_id = $writer)
            """, ("$pid", SqliteType.Text), ("$writer", SqliteType.Text));
        _claim = Prepare(connection, """
            INSERT INTO persistence_ids (persistence_id, writer_id, highest_sequence_nr)
            VALUES ($pid, $writer, coalesce((SELECT max(sequence_nr) FROM journal WHERE persistence_id = $pid), 0))
            ON CONFLICT (persistence_id) DO UPDATE SET writer_id = excluded.writer_id
            RETURNING highest_sequence_nr
            """, ("$pid", SqliteType.Text), ("$writer", SqliteType.Text));
        _recordClaim = Prepare(connection, """
            INSERT INTO journal_claims (persistence_id, writer_id, claimed_at) VALUES ($pid, $writer, $at)
            ON CONFLICT (persistence_id, writer_id) DO NOTHING
            """, ("$pid", SqliteType.Text), ("$writer", SqliteType.Text), ("$at", SqliteType.Integer));
        _deleteEvents = Prepare(connection, "DELETE FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to",
            ("$pid", SqliteType.Text), ("$to", SqliteType.Integer));
        _saveSnapshot = Prepare(connection, """
            INSERT INTO snapshots (persistence_id, sequence_nr, manifest, payload, checksum, created_at)
            VALUES ($pid, $seq, $manifest, $payload, $checksum, $created)
            ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET
                manifest = excluded.manifest, payload = excluded.payload, checksum = excluded.checksum, created_at = excluded.created_at
            """, ("$pid", SqliteType.Text), ("$seq", SqliteType.Integer), ("$manifest", SqliteType.Text), ("$payload", SqliteType.Blob),
            ("$checksum", SqliteType.Integer), ("$created", SqliteType.Integer));
        _deleteSnapshots = Prepare(connection, "DELETE FROM snapshots WHERE persistence_id = $pid AND sequence_nr <= $to",
            ("$pid", SqliteType.Text), ("$to", SqliteType.Integer));
    }

    /// <summary>Stores every event of the write or throws (the caller's savepoint then undoes any part).</summary>
    public void Append(AtomicWrite write)
    {
        // The gate: one row per persistence id advances only for its claimant and only from the sequence number
        // the write continues. Zero rows changed means rejected; the diagnosis names the reason.
        _advance.Bind(1, write.HighestSequenceNr);
        _advance.Bind(2, write.PersistenceId);
        _advance.Bind(3, write.WriterId);
        _advance.Bind(4, write.LowestSequenceNr);
        if (_advance.Execute() != 1)
        {
            throw Diagnose(write);
        }

        _insert.Bind(1, write.PersistenceId);
        _insert.Bind(6, write.WriterId);
        foreach (var e in write.Events)
        {
            var payload = e.Payload.Span;
            _insert.Bind(2, e.SequenceNr);
            _insert.Bind(3, e.Manifest);
            _insert.Bind(4, payload);
            _insert.Bind(5, PayloadChecksum.Compute(e.Manifest, payload));
            _insert.Bind(7, e.Timestamp.UtcTicks);
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

    /// <summary>Makes the writer the claimant and returns the highest sequence number.</summary>
    public long Claim(string persistenceId, string writerId)
    {
        _recordClaim.Parameters[0].Value = persistenceId;
        _recordClaim.Parameters[1].Value = writerId;
        _recordClaim.Parameters[2].Value = DateTime.UtcNow.Ticks;
        _recordClaim.ExecuteNonQuery();
        _claim.Parameters[0].Value = persistenceId;
        _claim.Parameters[1].Value = writerId;
        return (long)_claim.ExecuteScalar()!;
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
        p[2].Value = snapshot.Manifest;
        p[3].Value = PayloadArrays.AsArray(snapshot.Payload);
        p[4].Value = PayloadChecksum.Compute(snapshot.Manifest, snapshot.Payload.Span);
        p[5].Value = snapshot.Timestamp.UtcTicks;
        _saveSnapshot.ExecuteNonQuery();
    }

    public void DeleteSnapshots(string persistenceId, long toSequenceNr)
    {
        _deleteSnapshots.Parameters[0].Value = persistenceId;
        _deleteSnapshots.Parameters[1].Value = toSequenceNr;
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

    private Exception Diagnose(AtomicWrite write)
    {
        _diagnose.Parameters[0].Value = write.PersistenceId;
        _diagnose.Parameters[1].Value = write.WriterId;
        using var reader = _diagnose.ExecuteReader();
        reader.Read();
        var current = reader.IsDBNull(0) ? null : reader.GetString(0);
        return WriteRejections.Diagnose(write, current, reader.GetInt64(1), reader.GetInt64(2) != 0);
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
