using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Edge;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Management;

/// <summary>
/// The node's management API under <c>/v1/admin</c> (beside the edge's tenants routes, admin key only): the cluster,
/// the <c>session</c> region's shards, the journal's size, draining this node and what is left of a secrets key rotation. <c>scctl</c> is its client;
/// docs/API.md "Management API" lists the routes.
/// </summary>
internal static class ManagementEndpoints
{
    public static RouteGroupBuilder MapNodeManagement(this WebApplication app, NodeSettings settings, EdgeDependencies edge, NodeSecrets secrets)
    {
        // Resolved per request, as the edge does: resolving the ActorSystem here would start it at Build.
        var services = app.Services;
        ActorSystem System() => services.GetRequiredService<ActorSystem>();
        Task<IActorRef> Region(CancellationToken ct) => services.GetRequiredService<IRequiredActor<SessionRegionKey>>().GetAsync(ct);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SessionCluster.Host.Management");

        // Authenticated as the edge's /v1/admin routes are (the admin key; an API key is a 403), on every node.
        var admin = app.MapAdminGroup("/v1/admin", edge);
        ClusterRoutes.Map(admin, System, logger);
        ShardRoutes.Map(admin, System, Region, logger);
        NodeDrainRoutes.Map(admin, System, app.Lifetime, logger);
        SecretsRoutes.Map(admin, secrets, edge);
        admin.MapGet("/journal/stats", async (CancellationToken ct) =>
            Results.Ok(await JournalStatsView.ReadAsync(settings, System().Settings.Config, ct).ConfigureAwait(false)));
        return admin;
    }
}
