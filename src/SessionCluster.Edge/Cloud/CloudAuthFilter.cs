using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Auth;

namespace SessionCluster.Edge.Cloud;

/// <summary>
/// The <c>/v1</c> authentication (<see cref="EdgeAuthFilter"/>: the same bearer API key, or the admin key with
/// <c>X-Tenant-Id</c>) in front of the Cloud routes, its refusals rewritten in the Cloud error shape: a Cloud client
/// reads a 401 as Graph's OAuthException 190.
/// </summary>
internal sealed class CloudAuthFilter(EdgeAuthFilter inner) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var passed = false;
        var result = await inner.InvokeAsync(context, c =>
        {
            passed = true;
            return next(c);
        }).ConfigureAwait(false);
        if (passed)
        {
            return result;
        }

        var details = (result as Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult)?.ProblemDetails.Detail ?? "the bearer key is not valid";
        return (result as IStatusCodeHttpResult)?.StatusCode == StatusCodes.Status403Forbidden
            ? CloudErrors.PermissionDenied(context.HttpContext, details)
            : CloudErrors.InvalidToken(context.HttpContext, details);
    }
}
