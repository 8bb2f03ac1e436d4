-- The journal, its per-persistence-id gate and claim history, and the snapshot store. See docs/STORAGE.md.

-- Every event ever appended. ordering is the global append order (AUTOINCREMENT: never reused, even after deletes).
CREATE TABLE journal (
    ordering       INTEGER PRIMARY KEY AUTOINCREMENT,
    persistence_id TEXT    NOT NULL,
    sequence_nr    INTEGER NOT NULL,
    manifest       TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    checksum       INTEGER NOT NULL,  -- PayloadChecksum.Compute(manifest, payload), CRC-32C as a signed 32-bit value
    writer_id      TEXT    NOT NULL,  -- the claimant that wrote the row
    created_at     INTEGER NOT NULL,  -- JournalEvent.Timestamp as UTC ticks (100 ns since 0001-01-01)
    UNIQUE (persistence_id, sequence_nr)
);

-- One row per persistence id: who may write now, and the highest sequence number ever stored (kept by deletions).
-- An append advances highest_sequence_nr only if writer_id matches and the write starts right after it.
CREATE TABLE persistence_ids (
    persistence_id      TEXT    NOT NULL PRIMARY KEY,
    writer_id           TEXT    NOT NULL,
    highest_sequence_nr INTEGER NOT NULL
) WITHOUT ROWID;

-- Every writer that ever claimed a persistence id, so a refused writer hears FencedOut rather than NotClaimed.
CREATE TABLE journal_claims (
    persistence_id TEXT    NOT NULL,
    writer_id      TEXT    NOT NULL,
    claimed_at     INTEGER NOT NULL,  -- UTC ticks of the first claim
    PRIMARY KEY (persistence_id, writer_id)
) WITHOUT ROWID;

CREATE TABLE snapshots (
    persistence_id TEXT    NOT NULL,
    sequence_nr    INTEGER NOT NULL,
    manifest       TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    checksum       INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,  -- SnapshotEntry.Timestamp as UTC ticks
    PRIMARY KEY (persistence_id, sequence_nr)
) WITHOUT ROWID;
