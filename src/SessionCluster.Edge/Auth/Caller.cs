using Microsoft.AspNetCore.Http;

namespace SessionCluster.Edge.Auth;

/// <summary>
/// Who a request comes from, decided once by <see cref="EdgeAuthFilter"/>: the admin (any tenant, plus the
/// <c>/v1/admin</c> routes) or a tenant's API key. <see cref="TenantId"/> is the tenant every <c>/v1</c> resource route
/// acts in: the key's tenant, or for the admin the <c>X-Tenant-Id</c> header's (default <see cref="Tenants.Tenant.DefaultId"/>).
/// </summary>
public sealed record Caller(string TenantId, string? KeyId)
{
    public bool IsAdmin => KeyId is null;

    private static readonly object ItemKey = new();

    public static Caller Of(HttpContext context) =>
        context.Items[ItemKey] as Caller ?? throw new InvalidOperationException("No caller: the route is outside the authenticated /v1 group.");

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
