using Akka.Actor;
using Akka.Cluster;

namespace SessionCluster.Host.Management;

/// <summary>
/// <c>POST /v1/admin/node:drain</c>: the node called leaves the cluster gracefully and stops, by CoordinatedShutdown
/// with the cluster-leaving reason (its shards hand off to the other nodes' regions, the member goes Leaving, Exiting,
/// Removed, then the ActorSystem terminates and the host stops with it). <c>GET /v1/admin/node</c> says where it is
/// on that way; once it has stopped, its port refuses connections.
/// </summary>
internal static class NodeDrainRoutes
{
    public static void Map(RouteGroupBuilder admin, Func<ActorSystem> system, IHostApplicationLifetime lifetime, ILogger logger)
    {
        admin.MapGet("/node", () => Results.Ok(NodeView.Of(system())));
        admin.MapPost("/node:drain", () =>
        {
            var actors = system();
            var shutdown = CoordinatedShutdown.Get(actors);
            var alreadyDraining = shutdown.ShutdownReason is not null;
            if (!alreadyDraining)
            {
                ManagementLog.Drain(logger, Cluster.Get(actors).SelfAddress.ToString());
                // Not awaited: the answer goes out before the node stops. The shutdown's own phases log their failures;
                // whichever way it ends, the host stops with it (its HTTP port closes: what scctl --wait waits for).
                _ = shutdown.Run(CoordinatedShutdown.ClusterLeavingReason.Instance)
                    .ContinueWith(_ => lifetime.StopApplication(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            return Results.Accepted("/v1/admin/node", new DrainView(NodeView.Of(actors), alreadyDraining));
        });
    }
}

/// <summary>What a drain started (<c>alreadyDraining</c>: an earlier call had started it) and the node as it is now.</summary>
internal sealed record DrainView(NodeView Node, bool AlreadyDraining);

/// <summary>This node: its cluster address and member status, and whether it is shutting down (a drain or a stop under way).</summary>
internal sealed record NodeView(string Address, string Status, IReadOnlyList<string> Roles, string AppVersion, bool ShuttingDown, string? ShutdownReason)
{
    public static NodeView Of(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var self = cluster.SelfMember;
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        return new NodeView(cluster.SelfAddress.ToString(), ClusterView.StatusName(self.Status), self.Roles.Order(StringComparer.Ordinal).ToList(),
            self.AppVersion.ToString(), reason is not null, reason?.GetType().Name);
    }
}
