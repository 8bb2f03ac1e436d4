-- What Akka.Persistence needs beyond 0001: the serializer of each payload, Akka's event-adapter manifest, and tags.
-- Rows from before this migration keep serializer_id 0 (none): no Akka serializer wrote them.
ALTER TABLE journal ADD COLUMN serializer_id INTEGER NOT NULL DEFAULT 0;   -- Akka serializer identifier of payload
ALTER TABLE journal ADD COLUMN event_manifest TEXT NOT NULL DEFAULT '';    -- Persistent.Manifest (event adapters), usually empty
ALTER TABLE journal ADD COLUMN tags TEXT NOT NULL DEFAULT '';              -- tags joined by ';' (TagList), empty when untagged
ALTER TABLE snapshots ADD COLUMN serializer_id INTEGER NOT NULL DEFAULT 0;
