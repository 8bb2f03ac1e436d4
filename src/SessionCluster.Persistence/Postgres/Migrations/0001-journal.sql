-- The journal, its per-persistence-id gate and claim history, and the snapshot store. See docs/STORAGE.md.

-- Every event ever appended. ordering is the global append order.
CREATE TABLE journal (
    ordering       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    persistence_id text        NOT NULL,
    sequence_nr    bigint      NOT NULL,
    manifest       text        NOT NULL,
    payload        bytea       NOT NULL,
    checksum       integer     NOT NULL,  -- PayloadChecksum.Compute(manifest, payload), CRC-32C as a signed 32-bit value
    writer_id      text        NOT NULL,  -- the claimant that wrote the row
    created_at     timestamptz NOT NULL,  -- JournalEvent.Timestamp (microsecond precision)
    CONSTRAINT journal_persistence_id_sequence_nr_key UNIQUE (persistence_id, sequence_nr)
);

-- One row per persistence id: who may write now, and the highest sequence number ever stored (kept by deletions).
-- An append advances highest_sequence_nr only if writer_id matches and the write starts right after it;
-- the row lock this takes is what serializes two nodes that both believe they own the id.
CREATE TABLE persistence_ids (
    persistence_id      text   NOT NULL PRIMARY KEY,
    writer_id           text   NOT NULL,
    highest_sequence_nr bigint NOT NULL
);

-- Every writer that ever claimed a persistence id, so a refused writer hears FencedOut rather than NotClaimed.
CREATE TABLE journal_claims (
    persistence_id text        NOT NULL,
    writer_id      text        NOT NULL,
    claimed_at     timestamptz NOT NULL,
    PRIMARY KEY (persistence_id, writer_id)
);

CREATE TABLE snapshots (
    persistence_id text        NOT NULL,
    sequence_nr    bigint      NOT NULL,
    manifest       text        NOT NULL,
    payload        bytea       NOT NULL,
    checksum       integer     NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (persistence_id, sequence_nr)
);
