namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The lease and fence SQL, in one place. Every time is PostgreSQL's (now(), clock_timestamp()), never a node's, so
/// nodes with skewed clocks still agree on who holds what. The schema is forward-only and idempotent: a newer build
/// may add to it, never rewrite it.
/// </summary>
internal static class LeaseSql
{
    /// <summary>
    /// The advisory lock every schema change takes first: concurrent CREATE OR REPLACE FUNCTION / TRIGGER from several
    /// nodes otherwise fail with "tuple concurrently updated". The number is "sc-lease" in ASCII.
    /// </summary>
    public const long SchemaLockKey = 0x73632D6C65617365;

    /// <summary>The SQLSTATE the fence raises, so the node can tell a fenced write from any other failure.</summary>
    public const string FenceSqlState = "SC409";

    /// <summary>Akka.Persistence.Sql's default table mapping (table-mapping = default, schema-name = null).</summary>
    public const string JournalTable = "journal";

    /// <inheritdoc cref="JournalTable"/>
    public const string SnapshotTable = "snapshot";

    public static readonly string Install = $$"""
        SELECT pg_advisory_xact_lock({{SchemaLockKey}});

        CREATE TABLE IF NOT EXISTS sc_leases (
            name text PRIMARY KEY,
            owner text NOT NULL,
            incarnation text NOT NULL,
            epoch bigint NOT NULL,
            expires_at timestamptz NOT NULL,
            acquired_at timestamptz,
            renewed_at timestamptz
        );

        CREATE TABLE IF NOT EXISTS sc_session_fences (
            session_id text PRIMARY KEY,
            lease_name text NOT NULL,
            registered_at timestamptz
        );

        -- The sessions a persistence id may belong to: NULL for an id outside the session family (not fenced), an
        -- array (maybe empty) for one inside it. Session ids are 1-64 of [A-Za-z0-9._-], device JIDs hold no '-',
        -- group JIDs at most one.
        CREATE OR REPLACE FUNCTION sc_fence_candidates(pid text) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE AS $fn$
        DECLARE
            rest text;
            found text[];
        BEGIN
            IF starts_with(pid, 'session-') THEN
                rest := substr(pid, 9);
                -- session-keys-X is session X's keys or the main journal of session keys-X.
                found := ARRAY[rest, CASE WHEN starts_with(rest, 'keys-') THEN substr(rest, 6) END];
            ELSIF starts_with(pid, 'ratchet-') THEN
                rest := substr(pid, 9);
                found := ARRAY[substring(rest FROM '^(.*)-[^-]*$')];
            ELSIF starts_with(pid, 'senderkeys-') THEN
                rest := substr(pid, 12);
                found := ARRAY[substring(rest FROM '^(.*)-[^-]*$'), substring(rest FROM '^(.*)-[^-]*-[^-]*$')];
            ELSE
                RETURN NULL;
            END IF;
            RETURN ARRAY(SELECT DISTINCT c FROM unnest(found) AS c WHERE c ~ '^[A-Za-z0-9._-]{1,64}$');
        END
        $fn$;

        -- Accepts a journal or snapshot row only from the holder of the lease of every registered session it may
        -- belong to. The writer is named by its connection's application_name, sc-{incarnation}.
        CREATE OR REPLACE FUNCTION sc_fence_write() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
        DECLARE
            candidates text[] := sc_fence_candidates(NEW.persistence_id);
            app text := current_setting('application_name', true);
            writer text;
            registered bigint;
            refused text;
        BEGIN
            IF candidates IS NULL THEN
                RETURN NEW;
            END IF;
            IF starts_with(coalesce(app, ''), 'sc-') THEN
                writer := substr(app, 4);
            END IF;
            -- Share-lock the lease rows: a takeover (an UPDATE of the row) waits until this write commits, so the new
            -- holder's recovery, which starts after its acquire, sees it.
            PERFORM 1 FROM sc_leases
             WHERE name IN (SELECT lease_name FROM sc_session_fences WHERE session_id = ANY (candidates))
             FOR SHARE;
            SELECT count(*),
                   min(f.lease_name) FILTER (WHERE l.name IS NULL OR l.incarnation IS DISTINCT FROM writer
                                                OR l.expires_at <= clock_timestamp())
              INTO registered, refused
              FROM sc_session_fences f LEFT JOIN sc_leases l ON l.name = f.lease_name
             WHERE f.session_id = ANY (candidates);
            IF registered = 0 THEN
                RAISE EXCEPTION USING ERRCODE = '{{FenceSqlState}}',
                    MESSAGE = format('sessioncluster fence: %s belongs to no registered session; the write is refused', NEW.persistence_id);
            END IF;
            IF refused IS NOT NULL THEN
                RAISE EXCEPTION USING ERRCODE = '{{FenceSqlState}}',
                    MESSAGE = format('sessioncluster fence: the writer does not hold lease %s of %s; the write is refused', refused, NEW.persistence_id);
            END IF;
            RETURN NEW;
        END
        $fn$;
        """;

    public const string JournalTablesExist = $"SELECT to_regclass('{JournalTable}') IS NOT NULL AND to_regclass('{SnapshotTable}') IS NOT NULL";

    public static readonly string Attach = $"""
        SELECT pg_advisory_xact_lock({SchemaLockKey});
        CREATE OR REPLACE TRIGGER sc_fence BEFORE INSERT OR UPDATE ON {JournalTable} FOR EACH ROW EXECUTE FUNCTION sc_fence_write();
        CREATE OR REPLACE TRIGGER sc_fence BEFORE INSERT OR UPDATE ON {SnapshotTable} FOR EACH ROW EXECUTE FUNCTION sc_fence_write();
        """;

    /// <summary>
    /// Takes the lease if it is free, expired or already ours; the epoch grows by one for every new holding (another
    /// owner, or ours again after it expired) and stays when we re-acquire what we still hold. Returns the epoch, or no
    /// row when someone else holds it.
    /// </summary>
    public const string Acquire = """
        INSERT INTO sc_leases AS l (name, owner, incarnation, epoch, expires_at, acquired_at, renewed_at)
        VALUES (@name, @owner, @incarnation, 1, now() + @ttl, now(), now())
        ON CONFLICT (name) DO UPDATE SET
            owner = EXCLUDED.owner,
            incarnation = EXCLUDED.incarnation,
            epoch = CASE WHEN l.owner = EXCLUDED.owner AND l.incarnation = EXCLUDED.incarnation AND l.expires_at > now()
                         THEN l.epoch ELSE l.epoch + 1 END,
            acquired_at = CASE WHEN l.owner = EXCLUDED.owner AND l.incarnation = EXCLUDED.incarnation AND l.expires_at > now()
                               THEN l.acquired_at ELSE now() END,
            expires_at = now() + @ttl,
            renewed_at = now()
        WHERE l.expires_at <= now() OR (l.owner = EXCLUDED.owner AND l.incarnation = EXCLUDED.incarnation)
        RETURNING l.epoch
        """;

    /// <summary>Extends our holding; no row when it is no longer ours or already expired (a lapsed holding is not revived).</summary>
    public const string Renew = """
        UPDATE sc_leases SET expires_at = now() + @ttl, renewed_at = now()
         WHERE name = @name AND owner = @owner AND incarnation = @incarnation AND epoch = @epoch AND expires_at > now()
        """;

    /// <summary>Expires our holding at once (the row stays, so the next holder's epoch still grows).</summary>
    public const string Release = """
        UPDATE sc_leases SET expires_at = now()
         WHERE name = @name AND owner = @owner AND incarnation = @incarnation AND epoch = @epoch AND expires_at > now()
        """;

    public const string Register = """
        INSERT INTO sc_session_fences (session_id, lease_name, registered_at) VALUES (@session, @lease, now())
        ON CONFLICT (session_id) DO NOTHING;
        SELECT lease_name FROM sc_session_fences WHERE session_id = @session;
        """;
}
