using Microsoft.Extensions.Logging;

namespace SessionCluster.Actors;

/// <summary>
/// Where undeliverable messages end up. Each is counted, logged at Debug (message type only, never content),
/// summarised at Information at most every <see cref="SummaryInterval"/>, and published to <see cref="Published"/>.
/// </summary>
public sealed class DeadLetters
{
    /// <summary>Minimum time between two Information summaries.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private long _count;
    private long _countAtLastSummary;
    private long _lastSummaryTimestamp;

    internal DeadLetters(ILogger logger, TimeProvider clock)
    {
        _logger = logger;
        _clock = clock;
        _lastSummaryTimestamp = clock.GetTimestamp();
    }

    /// <summary>Dead letters so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Raised for every dead letter, synchronously on the thread that produced it; keep handlers short.
    /// A handler that throws is logged and does not stop the others' delivery.</summary>
    public event Action<DeadLetter>? Published;

    internal void Publish(DeadLetter deadLetter)
    {
        long count = Interlocked.Increment(ref _count);
        if (_logger.IsEnabled(LogLevel.Debug))
            RuntimeLog.DeadLetter(_logger, deadLetter.Message.GetType().Name, deadLetter.Recipient?.Path.ToString() ?? "(none)", deadLetter.Reason);
        MaybeSummarise(count);
        var handlers = Published;
        if (handlers is null) return;
        foreach (Action<DeadLetter> handler in handlers.GetInvocationList())
        {
            try
            {
                handler(deadLetter);
            }
            catch (Exception exception)
            {
                RuntimeLog.DeadLetterHandlerFailed(_logger, exception);
            }
        }
    }

    private void MaybeSummarise(long count)
    {
        long last = Volatile.Read(ref _lastSummaryTimestamp);
        long now = _clock.GetTimestamp();
        if (_clock.GetElapsedTime(last, now) < SummaryInterval) return;
        if (Interlocked.CompareExchange(ref _lastSummaryTimestamp, now, last) != last) return;
        long previous = Interlocked.Exchange(ref _countAtLastSummary, count);
        RuntimeLog.DeadLetterSummary(_logger, count - previous, count);
    }
}
