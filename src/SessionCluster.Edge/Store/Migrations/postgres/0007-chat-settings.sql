-- Chat settings from app state (docs/PROTOCOL.md §14, docs/API.md "Chat settings"), as the session's chat.* events
-- report them: archived and pinned are 0/1; muted_until is unix ms, -1 muted forever, null not muted.
ALTER TABLE store_chats ADD COLUMN archived BIGINT NOT NULL DEFAULT 0;
ALTER TABLE store_chats ADD COLUMN pinned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE store_chats ADD COLUMN muted_until BIGINT;
