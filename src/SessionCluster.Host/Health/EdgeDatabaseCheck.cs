using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionCluster.Host.Health;

/// <summary>Readiness: the edge's tables are migrated (the API serves only then).</summary>
internal sealed class EdgeDatabaseCheck(EdgeDatabaseMigration migration) : IHealthCheck
{
    public const string Name = "edge-database";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(migration.Done.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy("the edge's tables are migrated")
            : HealthCheckResult.Unhealthy(migration.LastFailure is { } failure ? $"the edge's database cannot be migrated yet: {failure}" : "the edge's tables are being migrated"));
}
