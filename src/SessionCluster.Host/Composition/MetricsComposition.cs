using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Edge;
using SessionCluster.Host.Logging;
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
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetricsComposition));
        routes.MapGet(Path, async (CancellationToken ct) =>
        {
            await metrics.Cluster.RefreshAsync(ct).ConfigureAwait(false);
            var families = collector.Collect();
            return Results.Text(PrometheusText.Write(await NameSessionsAsync(families, edge, logger, ct).ConfigureAwait(false)), PrometheusText.ContentType);
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// The per-session series named by tenant and session (<see cref="SessionNames"/>). Metrics matter most when the
    /// database is in trouble, so a directory that cannot answer leaves the actor ids and the scrape still succeeds.
    /// </summary>
    private static async Task<IReadOnlyList<MetricFamily>> NameSessionsAsync(
        IReadOnlyList<MetricFamily> families, EdgeDependencies edge, ILogger logger, CancellationToken ct)
    {
        if (!edge.Ready.IsCompletedSuccessfully)
        {
            return families;
        }

        try
        {
            return await SessionNames.NameAsync(families, edge.Directory.FindByActorAsync, ct).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException e)
        {
            HostLog.MetricsSessionNamesUnavailable(logger, e.Message);
            return families;
        }
    }
}
