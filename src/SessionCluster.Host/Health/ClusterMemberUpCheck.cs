using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionCluster.Host.Health;

/// <summary>Readiness: this node's own cluster member is <see cref="MemberStatus.Up"/> (not yet joining, nor leaving).</summary>
internal sealed class ClusterMemberUpCheck(ActorSystem system) : IHealthCheck
{
    public const string Name = "cluster-member-up";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var member = Cluster.Get(system).SelfMember;
        return Task.FromResult(member.Status == MemberStatus.Up
            ? HealthCheckResult.Healthy($"{member.Address} is Up")
            : HealthCheckResult.Unhealthy($"{member.Address} is {member.Status}, not Up"));
    }
}
