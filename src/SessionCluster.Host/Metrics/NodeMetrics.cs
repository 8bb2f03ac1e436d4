using System.Diagnostics.Metrics;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Sessions.Metrics;

namespace SessionCluster.Host.Metrics;

/// <summary>
/// The node's one meter and the instruments on it, made once per node (two nodes in one process keep theirs apart):
/// the sessions', the webhook delivery's and the cluster's; and, when <c>SC:Metrics:Enabled</c>, the collector that
/// <c>/metrics</c> reads. Why a collector of our own rather than OpenTelemetry's Prometheus exporter: docs/METRICS.md.
/// </summary>
internal sealed class NodeMetrics : IDisposable
{
    public NodeMetrics(Meter meter, int topSessions, bool collect, TimeProvider clock)
    {
        Meter = meter;
        Sessions = new SessionMetrics(meter, topSessions, clock);
        Webhooks = new WebhookMetrics(meter, clock);
        Cluster = new ClusterInstruments(meter);
        // Listening before any instrument records, so a counter's first events are counted.
        Collector = collect ? new MetricsCollector(meter) : null;
    }

    public Meter Meter { get; }

    public SessionMetrics Sessions { get; }

    public WebhookMetrics Webhooks { get; }

    public ClusterInstruments Cluster { get; }

    /// <summary>Null when the endpoint is off: nothing listens, and the instruments cost next to nothing.</summary>
    public MetricsCollector? Collector { get; }

    public void Dispose()
    {
        Collector?.Dispose();
        Meter.Dispose();
    }
}
