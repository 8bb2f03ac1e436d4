using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The webhook delivery's instruments on the node's meter (docs/METRICS.md): dead letters, and the lag, which is the
/// age of the oldest event a lane of this node is delivering now. A lane posts strictly in order, so the event in its
/// hands is its oldest undelivered one; a lane that has caught up has none, and the lag of an idle node is 0.
/// </summary>
public sealed class WebhookMetrics
{
    private readonly ConcurrentDictionary<object, DateTimeOffset> _inFlight = new();
    private readonly Counter<long> _deadLetters;
    private readonly TimeProvider _clock;

    public WebhookMetrics(Meter meter, TimeProvider clock)
    {
        _clock = clock;
        _deadLetters = meter.CreateCounter<long>("sessioncluster_webhook_dead_letters", "deliveries",
            "Webhook deliveries dead-lettered by this node after their retries ran out.");
        meter.CreateObservableGauge("sessioncluster_webhook_lag_seconds", Lag, "s",
            "Age of the oldest event this node's webhook lanes have not delivered yet (0 when every lane has caught up).");
    }

    /// <summary>Instruments on a meter nobody listens to: the default of <see cref="WebhookServices.Metrics"/>.</summary>
    public static WebhookMetrics Unobserved { get; } = new(new Meter("SessionCluster.Unobserved.Webhooks"), TimeProvider.System);

    /// <summary>A lane starts delivering an event that happened at <paramref name="eventAt"/>; disposing the result says it is done.</summary>
    internal IDisposable Delivering(DateTimeOffset eventAt)
    {
        var delivery = new InFlight(this);
        _inFlight[delivery] = eventAt;
        return delivery;
    }

    internal void DeadLettered() => _deadLetters.Add(1);

    private double Lag()
    {
        var now = _clock.GetUtcNow();
        var oldest = now;
        foreach (var at in _inFlight.Values)
        {
            oldest = at < oldest ? at : oldest;
        }

        return (now - oldest).TotalSeconds;
    }

    private sealed class InFlight(WebhookMetrics metrics) : IDisposable
    {
        public void Dispose() => metrics._inFlight.TryRemove(this, out _);
    }
}
