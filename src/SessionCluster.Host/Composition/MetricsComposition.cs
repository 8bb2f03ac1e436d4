using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Edge;
using SessionCluster.Host.Metrics;
using SessionCluster.Host.Options;
using SessionCluster.Sessions.Metrics;

namespace SessionCluster.Host.Composition;

/// <summary>
/// <c>GET /metrics</c>: the node's instruments in Prometheus's text format (docs/METRICS.md), without credentials
/// unless <c>SC:Metrics:RequireAdminKey</c> asks for the admin key, as <c>/v1/admin</c> does.
/// </summary>
internal static class MetricsComposition
{
    public const string Path = "/metrics";

    /// <summary>The node's meter and instruments, registered for the sessions and the webhook delivery to count into.</summary>
    public static NodeMetrics AddNodeMetrics(this IServiceCollection services, NodeSettings settings)
    {
        var metrics = new NodeMetrics(new Meter(SessionMetrics.MeterName), settings.Metrics.TopSessions, settings.Metrics.Enabled, TimeProvider.System);
        services.AddSingleton(metrics);
        services.AddSingleton(metrics.Sessions);
        return metrics;
    }

    public static void MapNodeMetrics(this WebApplication app, NodeSettings settings, EdgeDependencies edge)
    {
        var metrics = app.Services.GetRequiredService<NodeMetrics>();
        app.Lifetime.ApplicationStopped.Register(metrics.Dispose);
        if (metrics.Collector is not { } collector)
        {
            return;
        }

        // The ActorSystem only once started: resolving it at Build would start it outside NodeHost.RunAsync's error handling.
        var services = app.Services;
        app.Lifetime.ApplicationStarted.Register(() => metrics.Cluster.Attach(
            services.GetRequiredService<ActorSystem>(),
            settings.Cluster.HostsSessions ? ct => services.GetRequiredService<IRequiredActor<SessionRegionKey>>().GetAsync(ct) : null));

        IEndpointRouteBuilder routes = settings.Metrics.RequireAdminKey ? app.MapAdminGroup("", edge) : app;
        routes.MapGet(Path, async (CancellationToken ct) =>
        {
            await metrics.Cluster.RefreshAsync(ct).ConfigureAwait(false);
            return Results.Text(PrometheusText.Write(collector.Collect()), PrometheusText.ContentType);
        }).ExcludeFromDescription();
    }
}
