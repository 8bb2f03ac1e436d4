using System.Diagnostics.Metrics;

namespace SessionCluster.Sessions.Metrics;

/// <summary>
/// The sessions' instruments on the node's <see cref="Meter"/> (System.Diagnostics.Metrics; the node serves them at
/// <c>/metrics</c>, docs/METRICS.md), told by the session actors where the events happen, and the table of the
/// sessions this node hosts (<see cref="SessionVitals"/>) that the observable gauges read when collected.
/// Instrument names are the Prometheus names: a counter's exposition adds <c>_total</c>.
///
/// Per session the gauges are bounded: the silence of all connected sessions is counted into a few fixed thresholds,
/// and only the <see cref="TopSessions"/> stalest and most reconnecting sessions get a series with a <c>session</c>
/// label (the session's actor id, as the logs name it; never a phone number or key), so thousands of sessions make a few dozen series.
/// </summary>
public sealed class SessionMetrics
{
    /// <summary>The name of the node's meter.</summary>
    public const string MeterName = "SessionCluster";

    /// <summary>The thresholds (seconds) the connected sessions' inbound silence is counted against.</summary>
    public static readonly IReadOnlyList<int> SilenceThresholds = [60, 300, 900, 3600, 21_600, 86_400];

    /// <summary>The bucket bounds (seconds) of the journal write histogram: a local SQLite write takes about a millisecond, a slow PostgreSQL one a second.</summary>
    public static readonly IReadOnlyList<double> JournalWriteBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _decryptFailures;
    private readonly Counter<long> _retryReceiptsSent;
    private readonly Counter<long> _retryReceiptsReceived;
    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _journalWrites;

    /// <param name="meter">The node's meter (the one its collector listens to).</param>
    /// <param name="topSessions">How many sessions at most get a series of their own in each per-session gauge.</param>
    /// <param name="clock">The clock the silence is measured with.</param>
    public SessionMetrics(Meter meter, int topSessions, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topSessions);
        Meter = meter;
        TopSessions = topSessions;
        Vitals = new SessionVitals(clock);
        _messagesReceived = meter.CreateCounter<long>("sessioncluster_messages_received", "messages",
            "Messages received and stored by the sessions of this node (rate() gives messages in per second).");
        _messagesSent = meter.CreateCounter<long>("sessioncluster_messages_sent", "messages",
            "Messages sent to the server by the sessions of this node, each once (resends on retry receipts are not counted again; rate() gives messages out per second).");
        _decryptFailures = meter.CreateCounter<long>("sessioncluster_decrypt_failures", "messages",
            "Inbound messages that did not decrypt (each attempt; a retry receipt asks the sender again up to its limit).");
        _retryReceiptsSent = meter.CreateCounter<long>("sessioncluster_retry_receipts_sent", "receipts",
            "Retry receipts this node's sessions sent, asking a sender to encrypt a message again.");
        _retryReceiptsReceived = meter.CreateCounter<long>("sessioncluster_retry_receipts_received", "receipts",
            "Retry receipts this node's sessions received from devices that could not decrypt their messages.");
        _reconnects = meter.CreateCounter<long>("sessioncluster_reconnects", "connections",
            "Connections linked sessions started again by themselves (after a loss, a restart or a handoff).");
        _journalWrites = meter.CreateHistogram<double>("sessioncluster_journal_write_seconds", "s",
            "Time from a session's journal write to its durable callback (the write and its wait in the journal's queue).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JournalWriteBuckets });
        meter.CreateObservableGauge("sessioncluster_sessions", Vitals.ByStatus, "sessions",
            "Sessions hosted on this node by status.");
        meter.CreateObservableGauge("sessioncluster_sessions_silent", () => Vitals.Silent(SilenceThresholds), "sessions",
            "Connected sessions whose last inbound message is at least for_at_least_seconds old (or that received none since they started on this node that long ago).");
        meter.CreateObservableGauge("sessioncluster_session_last_inbound_age_seconds", () => Vitals.Stalest(TopSessions), "s",
            "Age of the last inbound message of the connected sessions that have been silent longest (at most SC:Metrics:TopSessions of them).");
        meter.CreateObservableGauge("sessioncluster_session_reconnects", () => Vitals.MostReconnecting(TopSessions), "connections",
            "Reconnects since the session started on this node, for the sessions with the most (at most SC:Metrics:TopSessions of them, none with zero).");
    }

    /// <summary>A meter nobody listens to: the default of <see cref="SessionActorDependencies.Metrics"/> for actors built without a node.</summary>
    public static SessionMetrics Unobserved { get; } = new(new Meter(MeterName + ".Unobserved"), 0, TimeProvider.System);

    public Meter Meter { get; }

    public int TopSessions { get; }

    /// <summary>The sessions hosted on this node, as the gauges see them.</summary>
    public SessionVitals Vitals { get; }

    internal void MessagesReceived(SessionId session, int count)
    {
        _messagesReceived.Add(count);
        Vitals.Inbound(session);
    }

    internal void MessageSent() => _messagesSent.Add(1);

    internal void DecryptFailed() => _decryptFailures.Add(1);

    internal void RetryReceiptSent() => _retryReceiptsSent.Add(1);

    internal void RetryReceiptReceived() => _retryReceiptsReceived.Add(1);

    internal void Reconnecting(SessionId session)
    {
        _reconnects.Add(1);
        Vitals.Reconnecting(session);
    }

    internal void JournalWritten(TimeSpan elapsed) => _journalWrites.Record(elapsed.TotalSeconds);
}
