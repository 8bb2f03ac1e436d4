using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Auth;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;admin key&gt;</c>; anything else is a 401 problem.</summary>
internal sealed class AdminKeyFilter(AdminKey key) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && key.Matches(header[Scheme.Length..].Trim()))
        {
            return next(context);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = header.Length == 0 ? "send Authorization: Bearer <admin key>" : "the bearer key is not valid";
        return ValueTask.FromResult<object?>(EdgeProblems.Unauthorized(detail));
    }
}
