using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionCluster.Host.Health;

/// <summary>
/// Readiness: this node is not on its way out. A drain (<c>POST /v1/admin/node:drain</c>) or a stop (SIGTERM) runs
/// CoordinatedShutdown, whose first phases hand the shards off while the member is still <see cref="MemberStatus.Up"/>:
/// <see cref="ClusterMemberUpCheck"/> alone would call the node ready for that whole time, and a load balancer would go
/// on sending it requests for sessions that are leaving. So readiness turns 503 from the first moment of a shutdown,
/// however it started; <c>/health/live</c> runs no check and stays 200, so a draining node is not killed by its
/// liveness probe before its handoff is done.
/// </summary>
internal sealed class NotDrainingCheck(ActorSystem system, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "not-draining";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (CoordinatedShutdown.Get(system).ShutdownReason is { } reason)
        {
            return Unhealthy($"the node is draining: its coordinated shutdown has started ({reason.GetType().Name})");
        }

        var status = Cluster.Get(system).SelfMember.Status;
        if (status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
        {
            return Unhealthy($"the node is leaving the cluster: its member is {status}");
        }

        return lifetime.ApplicationStopping.IsCancellationRequested
            ? Unhealthy("the node is stopping: the host has begun to shut down")
            : Task.FromResult(HealthCheckResult.Healthy("the node is not draining"));
    }

    private static Task<HealthCheckResult> Unhealthy(string description) => Task.FromResult(HealthCheckResult.Unhealthy(description));
}
