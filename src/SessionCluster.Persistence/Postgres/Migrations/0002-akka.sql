-- What Akka.Persistence needs beyond 0001: the serializer of each payload, Akka's event-adapter manifest, and tags;
-- and timestamps as UTC ticks (100 ns since 0001-01-01) as on SQLite, because Akka compares snapshot metadata
-- timestamps to the tick and timestamptz keeps microseconds only.
-- Rows written before this migration were written by the November runtime's protobuf codec (serializer 0 = none).
ALTER TABLE journal
    ADD COLUMN serializer_id  integer NOT NULL DEFAULT 0,  -- Akka serializer identifier of payload
    ADD COLUMN event_manifest text    NOT NULL DEFAULT '', -- Persistent.Manifest (event adapters), usually empty
    ADD COLUMN tags           text    NOT NULL DEFAULT '', -- tags joined by ';' (TagList), empty when untagged
    ALTER COLUMN created_at TYPE bigint USING (round(extract(epoch FROM created_at) * 10000000) + 621355968000000000)::bigint;

ALTER TABLE snapshots
    ADD COLUMN serializer_id integer NOT NULL DEFAULT 0,
    ALTER COLUMN created_at TYPE bigint USING (round(extract(epoch FROM created_at) * 10000000) + 621355968000000000)::bigint;
