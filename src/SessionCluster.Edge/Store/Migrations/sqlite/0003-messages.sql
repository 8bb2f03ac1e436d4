-- The chats and messages store: a read model of the sessions' message events (docs/API.md "Chats and messages"),
-- written by the edge's ChatProjector with each session's cursor in the same transaction as its rows. Rows belong to
-- a session's actor id; deleting a session deletes them, retention deletes messages (and their status history) only.
CREATE TABLE store_cursors (
    actor_id TEXT    NOT NULL PRIMARY KEY,  -- sessions.actor_id
    seq      INTEGER NOT NULL               -- the last session event applied to the store
);

CREATE TABLE store_messages (
    actor_id   TEXT    NOT NULL,
    chat       TEXT    NOT NULL,            -- the chat jid (a user's phone-number jid when the server gave both forms, or a group)
    id         TEXT    NOT NULL,            -- the WhatsApp message id
    direction  TEXT    NOT NULL,            -- 'in' or 'out'
    sender     TEXT,                        -- who wrote it (inbound and our other devices' copies)
    sender_alt TEXT,                        -- the sender's other form (PN <-> LID) when known
    push_name  TEXT,
    wire_chat  TEXT,                        -- the chat as the server named it (what a read receipt goes to)
    type       TEXT    NOT NULL,            -- 'text' or 'other'
    text       TEXT,
    at         INTEGER NOT NULL,            -- Unix ms: the message's timestamp (outbound: when accepted)
    status     INTEGER,                     -- outbound: the furthest MessageDelivery reached (failed is final)
    PRIMARY KEY (actor_id, chat, id)
);
CREATE INDEX store_messages_by_chat ON store_messages (actor_id, chat, at, id);
CREATE INDEX store_messages_by_id ON store_messages (actor_id, id);
CREATE INDEX store_messages_by_age ON store_messages (at);

CREATE TABLE store_statuses (
    actor_id   TEXT    NOT NULL,
    seq        INTEGER NOT NULL,            -- the session event that reported it
    chat       TEXT    NOT NULL,
    message_id TEXT    NOT NULL,
    status     INTEGER NOT NULL,            -- MessageDelivery
    device     TEXT,
    reason     TEXT,
    at         INTEGER NOT NULL,
    PRIMARY KEY (actor_id, seq)
);
CREATE INDEX store_statuses_by_message ON store_statuses (actor_id, chat, message_id);

CREATE TABLE store_chats (
    actor_id        TEXT    NOT NULL,
    jid             TEXT    NOT NULL,
    last_message_id TEXT    NOT NULL,
    last_direction  TEXT    NOT NULL,
    last_at         INTEGER NOT NULL,
    unread          INTEGER NOT NULL,       -- inbound messages since we last read or wrote in the chat
    PRIMARY KEY (actor_id, jid)
);
CREATE INDEX store_chats_by_activity ON store_chats (actor_id, last_at, jid);

CREATE TABLE store_contacts (
    actor_id   TEXT    NOT NULL,
    jid        TEXT    NOT NULL,            -- the phone-number jid when known, else the LID
    pn         TEXT,
    lid        TEXT,
    push_name  TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, jid)
);
