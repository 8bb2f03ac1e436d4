using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Tenants;

namespace SessionCluster.Edge.Auth;

/// <summary>
/// Lets a request through with <c>Authorization: Bearer</c> the admin key or a live API key, and attaches its
/// <see cref="Caller"/>; anything else is a 401 problem. With <paramref name="adminOnly"/> (the <c>/v1/admin</c>
/// routes) an API key is a 403. The admin picks the tenant it acts in with <c>X-Tenant-Id</c>; a key cannot.
/// </summary>
internal sealed class EdgeAuthFilter(AdminKey admin, ApiKeys keys, bool adminOnly) : IEndpointFilter
{
    private const string Scheme = "Bearer ";
    public const string TenantHeader = "X-Tenant-Id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenant = http.Request.Headers.TryGetValue(TenantHeader, out var values) ? values.ToString() : null;
        var authorization = http.Request.Headers.Authorization.ToString();
        var (caller, forbidden) = await AuthenticateAsync(authorization, tenant, admin, keys, adminOnly, http.RequestAborted).ConfigureAwait(false);
        if (forbidden is not null)
        {
            return forbidden;
        }

        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return EdgeProblems.Unauthorized(Unauthenticated(authorization));
        }

        caller.AttachTo(http);
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// The caller an <c>Authorization</c> value stands for (REST's header, gRPC's metadata), given the tenant it asks
    /// for (<paramref name="tenant"/>, null when not asked). A null caller with a null problem is unauthenticated
    /// (<see cref="Unauthenticated"/> says why); a problem is a 403.
    /// </summary>
    public static async Task<(Caller? Caller, IResult? Forbidden)> AuthenticateAsync(
        string authorization, string? tenant, AdminKey admin, ApiKeys keys, bool adminOnly, CancellationToken cancellationToken)
    {
        var presented = Presented(authorization);
        if (presented is null)
        {
            return (null, null);
        }

        if (ApiKeys.LooksLikeApiKey(presented))
        {
            if (await keys.CheckAsync(presented, cancellationToken).ConfigureAwait(false) is not { } key)
            {
                return (null, null);
            }

            if (adminOnly)
            {
                return (null, EdgeProblems.Forbidden("this route needs the admin key; an API key acts only on its tenant's resources"));
            }

            if (tenant is not null)
            {
                return (null, EdgeProblems.Forbidden($"{TenantHeader} is for the admin key; an API key always acts in its own tenant"));
            }

            return (new Caller(key.TenantId, key.Id), null);
        }

        return admin.Matches(presented) ? (new Caller(string.IsNullOrEmpty(tenant) ? Tenant.DefaultId : tenant, null), null) : (null, null);
    }

    /// <summary>What an unauthenticated caller is told to change.</summary>
    public static string Unauthenticated(string authorization) =>
        Presented(authorization) is null ? "send Authorization: Bearer <API key or admin key>" : "the bearer key is not valid";

    private static string? Presented(string authorization) =>
        authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? authorization[Scheme.Length..].Trim() : null;
}
