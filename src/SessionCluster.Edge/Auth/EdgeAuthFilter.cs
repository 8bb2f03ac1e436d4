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
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
        Caller? caller = null;
        if (presented is null)
        {
        }
        else if (ApiKeys.LooksLikeApiKey(presented))
        {
            if (await keys.CheckAsync(presented, http.RequestAborted).ConfigureAwait(false) is { } key)
            {
                if (adminOnly)
                {
                    return EdgeProblems.Forbidden("this route needs the admin key; an API key acts only on its tenant's resources");
                }

                if (http.Request.Headers.ContainsKey(TenantHeader))
                {
                    return EdgeProblems.Forbidden($"{TenantHeader} is for the admin key; an API key always acts in its own tenant");
                }

                caller = new Caller(key.TenantId, key.Id);
            }
        }
        else if (admin.Matches(presented))
        {
            var tenant = http.Request.Headers[TenantHeader].ToString();
            caller = new Caller(tenant.Length == 0 ? Tenant.DefaultId : tenant, null);
        }

        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return EdgeProblems.Unauthorized(presented is null ? "send Authorization: Bearer <API key or admin key>" : "the bearer key is not valid");
        }

        caller.AttachTo(http);
        return await next(context).ConfigureAwait(false);
    }
}
