using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Contacts;
using SessionCluster.Edge.Cloud;
using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Linking;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Tenants;

namespace SessionCluster.Edge;

/// <summary>
/// The whole <c>/v1</c> API on an endpoint builder: the caller authenticated in front of every route (the admin key or
/// a tenant's API key; <c>/v1/admin</c> the admin key only), timeouts as 504 problems.
/// </summary>
public static class EdgeEndpoints
{
    public static RouteGroupBuilder MapEdge(this IEndpointRouteBuilder endpoints, EdgeDependencies deps)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.AddEndpointFilter(new ReadyFilter(deps.Ready));
        v1.AddEndpointFilter(new SessionTimeoutFilter(deps.Options.AskTimeout));

        TenantRoutes.Map(v1.MapAdminGroup("/admin", deps), deps);

        var tenant = v1.MapGroup("");
        tenant.AddEndpointFilter(new EdgeAuthFilter(deps.AdminKey, deps.Keys, adminOnly: false));
        SessionRoutes.Map(tenant, deps);
        QrRoutes.Map(tenant, deps);
        MessageRoutes.Map(tenant, deps);
        StatusUpdates.StatusRoutes.Map(tenant, deps);
        MessageStatusRoutes.Map(tenant, deps);
        MediaDownloadRoutes.Map(tenant, deps);
        EventRoutes.Map(tenant, deps);
        PairingCodeRoutes.Map(tenant, deps);
        ConnectionRoutes.Map(tenant, deps);
        SettingsRoutes.Map(tenant, deps);
        PresenceRoutes.Map(tenant, deps);
        ContactCheckRoutes.Map(tenant, deps);
        Groups.GroupRoutes.Map(tenant, deps);
        Media.UploadRoutes.Map(tenant, deps);
        CloudRoutes.Map(endpoints, deps);
        StreamRoutes.Map(tenant, deps);
        ChatRoutes.Map(tenant, deps);
        ChatSettingRoutes.Map(tenant, deps);
        Webhooks.WebhookRoutes.Map(tenant, deps);
        return tenant;
    }

    /// <summary>
    /// A group of routes for the admin key only, authenticated as <c>/v1/admin</c> is: an API key, even a live one, is
    /// a 403 problem; anything else but the admin key a 401. The node's management API is mapped under one.
    /// </summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints, string prefix, EdgeDependencies deps)
    {
        var admin = endpoints.MapGroup(prefix);
        admin.AddEndpointFilter(new EdgeAuthFilter(deps.AdminKey, deps.Keys, adminOnly: true));
        return admin;
    }

    /// <summary>
    /// Holds requests until the edge's tables are ready, for at most <see cref="ReadyWait"/> (start-up only: afterwards
    /// a completed task); a database still unreachable then is a 503 <c>edge_unavailable</c> with <c>Retry-After</c>.
    /// </summary>
    private sealed class ReadyFilter(Task ready) : IEndpointFilter
    {
        private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(5);

        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            if (!ready.IsCompletedSuccessfully)
            {
                try
                {
                    await ready.WaitAsync(ReadyWait, context.HttpContext.RequestAborted).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return EdgeProblems.Unavailable(ProblemCodes.EdgeUnavailable,
                        "the node cannot reach its edge database yet (see /health/ready); ask again", ReadyWait);
                }
            }

            return await next(context).ConfigureAwait(false);
        }
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
