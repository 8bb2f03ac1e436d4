using System.Data.Common;
using SessionCluster.Edge.Store;

namespace SessionCluster.Edge.Tenants;

/// <summary>The <c>tenants</c> and <c>api_keys</c> tables.</summary>
public sealed class TenantStore(EdgeDatabase database)
{
    private const string TenantColumns = "id, name, max_sessions, messages_per_second, retention_days, created_at";

    /// <summary>Stores a new tenant; false when its id is taken.</summary>
    public async Task<bool> TryCreateAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var inserted = await connection.ExecuteAsync(
            $"INSERT INTO tenants ({TenantColumns}) VALUES (@id, @name, @max, @mps, @retention, @at) ON CONFLICT (id) DO NOTHING",
            cancellationToken, Parameters(tenant)).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<bool> UpdateAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE tenants SET name = @name, max_sessions = @max, messages_per_second = @mps, retention_days = @retention WHERE id = @id",
            cancellationToken, Parameters(tenant)).ConfigureAwait(false) == 1;
    }

    public async Task<Tenant?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync($"SELECT {TenantColumns} FROM tenants WHERE id = @id", ReadTenant, cancellationToken, ("id", id)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync($"SELECT {TenantColumns} FROM tenants ORDER BY id", ReadTenant, cancellationToken).ConfigureAwait(false);
    }

    public async Task AddKeyAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO api_keys (id, tenant_id, name, hash, created_at) VALUES (@id, @tenant, @name, @hash, @at)", cancellationToken,
            ("id", key.Id), ("tenant", key.TenantId), ("name", key.Name), ("hash", key.Hash), ("at", key.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public async Task<StoredApiKey?> FindKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync("SELECT id, tenant_id, name, hash, created_at, revoked_at FROM api_keys WHERE id = @id", ReadKey, cancellationToken, ("id", keyId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredApiKey>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync("SELECT id, tenant_id, name, hash, created_at, revoked_at FROM api_keys WHERE tenant_id = @tenant ORDER BY created_at, id",
            ReadKey, cancellationToken, ("tenant", tenantId)).ConfigureAwait(false);
    }

    /// <summary>Marks the key revoked; false when the tenant has no such key or it was revoked already.</summary>
    public async Task<bool> RevokeKeyAsync(string tenantId, string keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("UPDATE api_keys SET revoked_at = @at WHERE id = @id AND tenant_id = @tenant AND revoked_at IS NULL", cancellationToken,
            ("at", at.ToUnixTimeMilliseconds()), ("id", keyId), ("tenant", tenantId)).ConfigureAwait(false) == 1;
    }

    private static (string, object?)[] Parameters(Tenant tenant) =>
    [
        ("id", tenant.Id), ("name", tenant.Name), ("max", (long?)tenant.MaxSessions), ("mps", (long?)tenant.MessagesPerSecond),
        ("retention", (long?)tenant.RetentionDays), ("at", tenant.CreatedAt.ToUnixTimeMilliseconds()),
    ];

    private static Tenant ReadTenant(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), (int?)r.NullableInt64(2), (int?)r.NullableInt64(3), (int?)r.NullableInt64(4), r.UnixMs(5));

    private static StoredApiKey ReadKey(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.UnixMs(4), r.NullableUnixMs(5));
}

/// <summary>An API key as stored: its id, its tenant, a name for people, and the Argon2id hash of the whole key; never the key.</summary>
public sealed record StoredApiKey(string Id, string TenantId, string Name, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
