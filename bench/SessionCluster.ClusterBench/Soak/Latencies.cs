using System.Diagnostics;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>The three latencies the soak follows.</summary>
internal enum LatencyKind
{
    /// <summary><c>POST /v1/sessions/{id}/messages</c> → its 202 (the send made durable).</summary>
    Accepted,

    /// <summary>The same POST's start → the <c>message.status delivered</c> event on the event stream (the phone's receipt).</summary>
    Delivered,

    /// <summary>A simulated phone's send (admin API) → the session's <c>message.received</c> event on the event stream.</summary>
    Inbound,
}

/// <summary>
/// Pairs a message's start with its arrival on the event stream, whichever is seen first (an event can come before the
/// POST that caused it has answered with its id), and keeps the latencies completed since the last <see cref="Drain"/>:
/// a window holds what completed in it. A start with no arrival after <see cref="LostAfter"/> is counted lost.
/// </summary>
internal sealed class Latencies
{
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<(LatencyKind, string), long> _started = [];
    private readonly Dictionary<(LatencyKind, string), long> _arrived = [];
    private readonly Dictionary<LatencyKind, List<double>> _window = Enum.GetValues<LatencyKind>().ToDictionary(k => k, _ => new List<double>());
    private readonly Dictionary<LatencyKind, int> _lost = Enum.GetValues<LatencyKind>().ToDictionary(k => k, _ => 0);
    private readonly Dictionary<(LatencyKind, string), string> _sessionOf = [];
    private readonly List<LostMessage> _lostMessages = [];

    /// <summary>Measured directly (no event to wait for).</summary>
    public void Add(LatencyKind kind, double milliseconds)
    {
        lock (_gate)
        {
            _window[kind].Add(milliseconds);
        }
    }

    /// <summary>The message <paramref name="id"/> of session <paramref name="session"/> started at <paramref name="timestamp"/>.</summary>
    public void Started(LatencyKind kind, string id, string session, long timestamp)
    {
        lock (_gate)
        {
            _sessionOf[(kind, id)] = session;
        }

        Meet(kind, id, timestamp, isStart: true);
    }

    /// <summary>Every start given up on so far, with its session: what the run looks up in the sessions' logs at the end.</summary>
    public IReadOnlyList<LostMessage> LostMessages
    {
        get
        {
            lock (_gate)
            {
                return [.. _lostMessages];
            }
        }
    }

    public void Arrived(LatencyKind kind, string id, long timestamp) => Meet(kind, id, timestamp, isStart: false);

    /// <summary>Starts still waiting for their event.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _started.Count;
            }
        }
    }

    /// <summary>The latencies completed since the last call, and the starts given up on as lost meanwhile.</summary>
    public (Dictionary<LatencyKind, double[]> Completed, Dictionary<LatencyKind, int> Lost) Drain()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            foreach (var key in _started.Where(s => Stopwatch.GetElapsedTime(s.Value, now) > LostAfter).Select(s => s.Key).ToList())
            {
                _started.Remove(key);
                _lost[key.Item1]++;
                _sessionOf.Remove(key, out var session);
                _lostMessages.Add(new LostMessage(key.Item1, key.Item2, session ?? "?"));
            }

            // Arrivals nobody started: events of other messages (the stream's replay of older ones, sent copies). Kept a
            // while for a POST still on its way back, then dropped so the book does not grow with the run.
            foreach (var key in _arrived.Where(a => Stopwatch.GetElapsedTime(a.Value, now) > LostAfter).Select(a => a.Key).ToList())
            {
                _arrived.Remove(key);
            }

            var completed = _window.ToDictionary(w => w.Key, w => w.Value.Order().ToArray());
            var lost = new Dictionary<LatencyKind, int>(_lost);
            foreach (var kind in Enum.GetValues<LatencyKind>())
            {
                _window[kind].Clear();
                _lost[kind] = 0;
            }

            return (completed, lost);
        }
    }

    private void Meet(LatencyKind kind, string id, long timestamp, bool isStart)
    {
        lock (_gate)
        {
            var (mine, theirs) = isStart ? (_started, _arrived) : (_arrived, _started);
            if (theirs.Remove((kind, id), out var other))
            {
                _sessionOf.Remove((kind, id));
                var (start, end) = isStart ? (timestamp, other) : (other, timestamp);
                _window[kind].Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
            else
            {
                mine.TryAdd((kind, id), timestamp);
            }
        }
    }
}

/// <summary>A message whose event never came on the stream within <see cref="Latencies.LostAfter"/>.</summary>
internal sealed record LostMessage(LatencyKind Kind, string Id, string Session);
