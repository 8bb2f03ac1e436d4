using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SessionCluster.Sessions.Metrics;

/// <summary>
/// The sessions hosted on this node as the gauges see them: status, when the last inbound message came and how often
/// the session reconnected since it started here. Each session's actor writes only its own entry (one writer per
/// key); a collection reads a snapshot. A session leaves the table when its actor stops (a handoff, a passivation).
/// </summary>
public sealed class SessionVitals(TimeProvider clock)
{
    private static readonly SessionStatus[] Statuses = Enum.GetValues<SessionStatus>();

    private readonly ConcurrentDictionary<string, Vital> _sessions = new(StringComparer.Ordinal);

    /// <summary>How many sessions the table holds.</summary>
    public int Count => _sessions.Count;

    /// <summary>The session's status now (after its recovery, and at each status change).</summary>
    public void Status(SessionId session, SessionStatus status) =>
        _sessions[session.Value] = Get(session) is { } vital ? vital with { Status = status } : new Vital(status, clock.GetUtcNow(), null, 0);

    /// <summary>The session's actor stopped: it is not hosted here any more.</summary>
    public void Released(SessionId session) => _sessions.TryRemove(session.Value, out _);

    internal void Inbound(SessionId session)
    {
        if (Get(session) is { } vital)
        {
            _sessions[session.Value] = vital with { LastInbound = clock.GetUtcNow() };
        }
    }

    internal void Reconnecting(SessionId session)
    {
        if (Get(session) is { } vital)
        {
            _sessions[session.Value] = vital with { Reconnects = vital.Reconnects + 1 };
        }
    }

    /// <summary>Every status with how many sessions hold it (zero included, so each series exists from the start).</summary>
    public IEnumerable<Measurement<int>> ByStatus()
    {
        var counts = new int[Statuses.Max(s => (int)s) + 1];
        foreach (var vital in _sessions.Values)
        {
            counts[(int)vital.Status]++;
        }

        return Statuses.Select(s => new Measurement<int>(counts[(int)s], new KeyValuePair<string, object?>("status", StatusName(s)))).ToList();
    }

    /// <summary>For each threshold, the connected sessions silent at least that long.</summary>
    public IEnumerable<Measurement<int>> Silent(IReadOnlyList<int> thresholdsSeconds)
    {
        var ages = ConnectedAges().Select(a => a.Age).ToList();
        return thresholdsSeconds
            .Select(t => new Measurement<int>(ages.Count(a => a >= t), new KeyValuePair<string, object?>("for_at_least_seconds", t.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
    }

    /// <summary>The <paramref name="top"/> connected sessions silent longest, with their silence in seconds.</summary>
    public IEnumerable<Measurement<double>> Stalest(int top) =>
        ConnectedAges().OrderByDescending(a => a.Age).ThenBy(a => a.Session, StringComparer.Ordinal).Take(top)
            .Select(a => new Measurement<double>(a.Age, new KeyValuePair<string, object?>("session", a.Session)))
            .ToList();

    /// <summary>The <paramref name="top"/> sessions with the most reconnects since they started here (none with zero).</summary>
    public IEnumerable<Measurement<long>> MostReconnecting(int top) =>
        _sessions.Where(s => s.Value.Reconnects > 0).OrderByDescending(s => s.Value.Reconnects).ThenBy(s => s.Key, StringComparer.Ordinal).Take(top)
            .Select(s => new Measurement<long>(s.Value.Reconnects, new KeyValuePair<string, object?>("session", s.Key)))
            .ToList();

    /// <summary>The status as the API writes it: <c>connected</c>, <c>logged_out</c>.</summary>
    public static string StatusName(SessionStatus status) => status switch
    {
        SessionStatus.LoggedOut => "logged_out",
        var other => other.ToString().ToLowerInvariant(),
    };

    private Vital? Get(SessionId session) => _sessions.TryGetValue(session.Value, out var vital) ? vital : null;

    private IEnumerable<(string Session, double Age)> ConnectedAges()
    {
        var now = clock.GetUtcNow();
        return _sessions.Where(s => s.Value.Status == SessionStatus.Connected)
            .Select(s => (s.Key, Math.Max(0, (now - (s.Value.LastInbound ?? s.Value.Since)).TotalSeconds)))
            .ToList();
    }

    /// <summary>One session: its status, since when it is hosted here, its last inbound message and its reconnects here.</summary>
    private sealed record Vital(SessionStatus Status, DateTimeOffset Since, DateTimeOffset? LastInbound, long Reconnects);
}
