-- Webhooks and their delivery bookkeeping. The journal is the outbox: events are not copied here; each (webhook,
-- session) keeps only the last seq acknowledged or dead-lettered. See docs/API.md "Webhooks".
CREATE TABLE webhooks (
    id             TEXT    NOT NULL PRIMARY KEY,  -- wh_<uuid7>
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_actor  TEXT,                          -- NULL: every session of the tenant; else the one session's actor id
    url            TEXT    NOT NULL,
    events         TEXT    NOT NULL,              -- JSON array of filters: "*", "message.received", "message.*"
    secret         TEXT    NOT NULL,              -- the signing secret sealed with the node's secrets key (SecretBox), base64
    format         TEXT    NOT NULL,              -- event | cloud
    policy         TEXT    NOT NULL,              -- JSON: retry {attempts, initialDelay, maxDelay, jitter} and nonRetryable
    created_at     BIGINT  NOT NULL               -- Unix ms; events written before it are not delivered
);
CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, id);

CREATE TABLE webhook_cursors (
    webhook_id     TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    session_actor  TEXT    NOT NULL,
    acked_seq      BIGINT  NOT NULL,              -- every event up to here was acknowledged (2xx), dead-lettered or filtered out
    updated_at     BIGINT  NOT NULL,
    PRIMARY KEY (webhook_id, session_actor)
);

CREATE TABLE webhook_dead_letters (
    id               TEXT    NOT NULL PRIMARY KEY,  -- dl_<uuid7>
    webhook_id       TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    session_actor    TEXT    NOT NULL,
    seq              BIGINT  NOT NULL,
    event_id         TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    last_status      BIGINT ,                       -- the receiver's last HTTP status, NULL when it never answered
    last_error       TEXT,                          -- why, when it never answered (refused, timeout)
    attempts         BIGINT  NOT NULL,
    dead_at          BIGINT  NOT NULL,
    replay_requested BIGINT                         -- Unix ms of the replay request still to do, else NULL
);
CREATE UNIQUE INDEX webhook_dead_letters_by_event ON webhook_dead_letters (webhook_id, session_actor, seq);
