using SessionCluster.Edge.Auth;

namespace SessionCluster.Host.Management;

/// <summary>
/// The management routes take the admin key only, as the edge's <c>/v1/admin</c> routes do: <c>Authorization:
/// Bearer</c> the admin key passes; an API key (<c>sck_…</c>) is a 403 without being looked up (no API key may act
/// here, live or not); anything else is a 401 with <c>WWW-Authenticate: Bearer</c>.
/// </summary>
internal sealed class ManagementAuthFilter(AdminKey admin) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authorization = http.Request.Headers.Authorization.ToString();
        var presented = authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? authorization[Scheme.Length..].Trim() : null;
        if (presented is not null && admin.Matches(presented))
        {
            return await next(context).ConfigureAwait(false);
        }

        if (presented is not null && ApiKeys.LooksLikeApiKey(presented))
        {
            return ManagementProblems.Problem(StatusCodes.Status403Forbidden, ManagementProblems.Forbidden, "Forbidden",
                "the management API needs the admin key; an API key acts only on its tenant's resources");
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ManagementProblems.Problem(StatusCodes.Status401Unauthorized, ManagementProblems.Unauthorized, "Unauthorized",
            presented is null ? "send Authorization: Bearer <admin key>" : "the bearer key is not the admin key");
    }
}
