using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Linking;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge;

/// <summary>The whole <c>/v1</c> API on an endpoint builder: the admin key in front of every route, timeouts as 504 problems.</summary>
public static class EdgeEndpoints
{
    public static RouteGroupBuilder MapEdge(this IEndpointRouteBuilder endpoints, EdgeDependencies deps)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.AddEndpointFilter(new AdminKeyFilter(deps.AdminKey));
        v1.AddEndpointFilter(new SessionTimeoutFilter(deps.Options.AskTimeout));
        SessionRoutes.Map(v1, deps);
        QrRoutes.Map(v1, deps);
        MessageRoutes.Map(v1, deps);
        MessageStatusRoutes.Map(v1, deps);
        EventRoutes.Map(v1, deps);
        return v1;
    }

    /// <summary>A session that does not answer in time is a 504 <c>timeout</c> problem; every other exception stays a 500 and is logged by ASP.NET Core.</summary>
    private sealed class SessionTimeoutFilter(TimeSpan timeout) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                return EdgeProblems.Timeout($"the session did not answer within {timeout.TotalSeconds:0} s; ask again (a send with the same Idempotency-Key is not sent twice)");
            }
        }
    }
}
