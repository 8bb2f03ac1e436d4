-- Reactions are kept beside the message they name (docs/API.md "Chats and messages"): one per reacting user and
-- message, the newest winning; a reaction taken back (an empty emoji) deletes its row. A reaction stays a message row
-- of its own too (type 'reaction'), as edits and revokes do.
CREATE TABLE store_reactions (
    actor_id   TEXT    NOT NULL,
    chat       TEXT    NOT NULL,            -- the chat of the message reacted to
    message_id TEXT    NOT NULL,            -- the message reacted to
    reactor    TEXT    NOT NULL,            -- who reacted: a user jid (phone-number form when known), '' for this session's account
    emoji      TEXT    NOT NULL,
    at         INTEGER NOT NULL,            -- Unix ms: when the reaction was sent
    PRIMARY KEY (actor_id, chat, message_id, reactor)
);
