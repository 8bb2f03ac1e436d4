using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionCluster.Host.Composition;

namespace SessionCluster.Host.Health;

/// <summary>
/// Readiness of a <c>sessions</c> node: the shard coordinator counts this node's <c>session</c> region among its
/// regions, so a shard allocated now can land here. A member is Up a moment before its region registers; a rolling
/// deploy that stops an old node as soon as the new one is ready would, in that moment, have the old node's shards
/// allocated to another old node, which the next step of the deploy moves again (docs/CLUSTER.md "Rolling deploys").
/// An edge-only node hosts no shard: its check asks only that the coordinator answers through the proxy.
/// </summary>
internal sealed class SessionRegionRegisteredCheck(ActorSystem system, IRequiredActor<SessionRegionKey> region, bool hostsSessions) : IHealthCheck
{
    public const string Name = "session-region-registered";

    /// <summary>How long the coordinator has to answer; a check that waits longer is reported unhealthy.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var regions = await (await region.GetAsync(cancellationToken).ConfigureAwait(false))
            .Ask<CurrentRegions>(GetCurrentRegions.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        if (!hostsSessions)
        {
            return regions.Regions.Count > 0
                ? HealthCheckResult.Healthy($"the coordinator knows {regions.Regions.Count} session regions")
                : HealthCheckResult.Unhealthy("no session region is registered with the coordinator yet");
        }

        var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
        return regions.Regions.Contains(self)
            ? HealthCheckResult.Healthy($"this node's session region is one of the coordinator's {regions.Regions.Count}")
            : HealthCheckResult.Unhealthy("this node's session region is not registered with the shard coordinator yet");
    }
}
