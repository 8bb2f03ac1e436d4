-- Poll votes are kept beside the poll they are on (docs/API.md "Chats and messages"): each voter's current choice,
-- the newest vote winning; a vote taken back (no options) deletes its row. Only votes the session could read are kept.
CREATE TABLE store_poll_votes (
    actor_id   TEXT    NOT NULL,
    chat       TEXT    NOT NULL,            -- the chat of the poll
    poll_id    TEXT    NOT NULL,            -- the poll's message id
    voter      TEXT    NOT NULL,            -- a user jid (phone-number form when known), '' for this session's account
    options    TEXT    NOT NULL,            -- the chosen option names, a JSON array of strings
    at         BIGINT  NOT NULL,            -- Unix ms: when the vote was sent
    PRIMARY KEY (actor_id, chat, poll_id, voter)
);
