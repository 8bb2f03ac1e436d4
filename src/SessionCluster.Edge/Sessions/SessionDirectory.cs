using System.Collections.Concurrent;
using System.Data.Common;
using SessionCluster.Edge.Store;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Sessions;

/// <summary>A session as the edge knows it: the tenant that owns it, the tenant's id for it, and the actor behind it.</summary>
public sealed record SessionEntry(string TenantId, string Id, SessionId ActorId, DateTimeOffset CreatedAt);

/// <summary>
/// Which tenant owns which session (the <c>sessions</c> table). Tenants name their sessions; the actor behind one is
/// <c>s-&lt;uuid7&gt;</c>, never shown, so that two tenants may use the same name, a name freed by a delete can be used
/// again for a new session, and no id a tenant guesses can reach another tenant's actor: every route resolves
/// (tenant, id) here first, and a session not in the caller's tenant is a 404 that touches no actor. Live entries are
/// cached in memory; a miss asks the table (another node may have made the session).
/// </summary>
public sealed class SessionDirectory(EdgeDatabase database, TimeProvider clock)
{
    private const string Columns = "tenant_id, id, actor_id, created_at";

    private readonly ConcurrentDictionary<(string Tenant, string Id), SessionEntry> _byName = new();
    private readonly ConcurrentDictionary<string, SessionEntry> _byActor = new(StringComparer.Ordinal);

    /// <summary>The caller's live session named <paramref name="id"/>, or null.</summary>
    public async Task<SessionEntry?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (_byName.TryGetValue((tenantId, id), out var known))
        {
            return known;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var entry = await connection.QuerySingleAsync($"SELECT {Columns} FROM sessions WHERE tenant_id = @tenant AND id = @id AND deleted_at IS NULL",
            Read, cancellationToken, ("tenant", tenantId), ("id", id)).ConfigureAwait(false);
        return entry is null ? null : Remember(entry);
    }

    /// <summary>The entry of an actor (live or deleted), or null: how a session's events find their tenant.</summary>
    public async Task<SessionEntry?> FindByActorAsync(SessionId actorId, CancellationToken cancellationToken)
    {
        if (_byActor.TryGetValue(actorId.Value, out var known))
        {
            return known;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var entry = await connection.QuerySingleAsync($"SELECT {Columns} FROM sessions WHERE actor_id = @actor", Read, cancellationToken, ("actor", actorId.Value)).ConfigureAwait(false);
        if (entry is not null)
        {
            _byActor[actorId.Value] = entry;
        }

        return entry;
    }

    /// <summary>
    /// Reserves <paramref name="id"/> in the tenant for a new session with a new actor id; null when the tenant has a
    /// live session by that name (the caller then asks that session, which may not have been created yet if a create
    /// was cut short: the actor's own Create is idempotent).
    /// </summary>
    public async Task<SessionEntry?> TryReserveAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var entry = new SessionEntry(tenantId, id, new SessionId("s-" + Guid.CreateVersion7().ToString("N")), clock.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO sessions (actor_id, tenant_id, id, created_at) VALUES (@actor, @tenant, @id, @at) ON CONFLICT (tenant_id, id) WHERE deleted_at IS NULL DO NOTHING",
            cancellationToken, ("actor", entry.ActorId.Value), ("tenant", tenantId), ("id", id), ("at", entry.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        return inserted == 1 ? Remember(entry) : null;
    }

    /// <summary>The tenant's live sessions in id order after <paramref name="after"/> (a page cursor), at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<SessionEntry>> ListAsync(string tenantId, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM sessions WHERE tenant_id = @tenant AND deleted_at IS NULL AND id > @after ORDER BY id LIMIT @limit",
            Read, cancellationToken, ("tenant", tenantId), ("after", after ?? ""), ("limit", (long)limit)).ConfigureAwait(false);
    }

    /// <summary>Every live session of every tenant (what workers that follow all sessions start from).</summary>
    public async Task<IReadOnlyList<SessionEntry>> ListAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync($"SELECT {Columns} FROM sessions WHERE deleted_at IS NULL ORDER BY tenant_id, id", Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> CountAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)(await connection.QuerySingleAsync("SELECT COUNT(*) FROM sessions WHERE tenant_id = @tenant AND deleted_at IS NULL",
            r => r.GetInt64(0), cancellationToken, ("tenant", tenantId)).ConfigureAwait(false));
    }

    /// <summary>Frees the name: the session is gone for its tenant (its actor was told to delete first).</summary>
    public async Task MarkDeletedAsync(SessionEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE sessions SET deleted_at = @at WHERE actor_id = @actor AND deleted_at IS NULL", cancellationToken,
            ("at", clock.GetUtcNow().ToUnixTimeMilliseconds()), ("actor", entry.ActorId.Value)).ConfigureAwait(false);
        _byName.TryRemove((entry.TenantId, entry.Id), out _);
    }

    private SessionEntry Remember(SessionEntry entry)
    {
        _byName[(entry.TenantId, entry.Id)] = entry;
        _byActor[entry.ActorId.Value] = entry;
        return entry;
    }

    private static SessionEntry Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), new SessionId(r.GetString(2)), r.UnixMs(3));
}
