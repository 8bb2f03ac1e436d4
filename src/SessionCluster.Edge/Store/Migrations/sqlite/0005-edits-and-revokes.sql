-- An edit or a revoke (delete for everyone) is folded into the message it acts on (docs/API.md "Chats and messages"):
-- when it was edited last (the text is then the new one) and when it was revoked (the text is then gone). Null: never.
ALTER TABLE store_messages ADD COLUMN edited_at INTEGER;
ALTER TABLE store_messages ADD COLUMN revoked_at INTEGER;
