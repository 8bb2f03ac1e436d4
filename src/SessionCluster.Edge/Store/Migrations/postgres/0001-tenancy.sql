-- Tenants, their API keys (Argon2id hashes only) and the session directory: which tenant owns which session id, and
-- the actor (persistence) id behind it. See docs/API.md "Tenants and keys".
CREATE TABLE tenants (
    id                  TEXT    NOT NULL PRIMARY KEY,
    name                TEXT    NOT NULL,
    max_sessions        BIGINT,          -- NULL: no limit
    messages_per_second BIGINT,          -- NULL: no limit
    retention_days      BIGINT,          -- the messages store: NULL keeps everything, 0 keeps nothing
    created_at          BIGINT NOT NULL  -- Unix ms
);

-- The tenant every admin call without X-Tenant-Id acts in.
INSERT INTO tenants (id, name, created_at) VALUES ('default', 'Default', 0);

CREATE TABLE api_keys (
    id         TEXT    NOT NULL PRIMARY KEY,  -- the key's public id, also inside the key: sck_<id>_<secret>
    tenant_id  TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,              -- Argon2id, libsodium's encoded form
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);

CREATE TABLE sessions (
    actor_id   TEXT    NOT NULL PRIMARY KEY,  -- the SessionActor's id: s-<uuid7>, never shown to tenants
    tenant_id  TEXT    NOT NULL REFERENCES tenants (id),
    id         TEXT    NOT NULL,              -- the tenant's name for it, unique among its live sessions
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE UNIQUE INDEX sessions_live_by_tenant ON sessions (tenant_id, id) WHERE deleted_at IS NULL;
