namespace SessionCluster.Sessions.Connection;

/// <summary>
/// When to try again after a connection is lost: exponential backoff with full jitter. The n-th consecutive attempt
/// (0-based) waits a uniformly random time in [0, min(<see cref="ReconnectSettings.Cap"/>, <see cref="ReconnectSettings.Base"/> × 2^n)].
/// Full jitter, not a fixed ladder, because thousands of sessions lose their connections together (a node or the
/// server restarting) and must not come back in lockstep. A connection that stayed open for
/// <see cref="ReconnectSettings.StableAfter"/> or longer counts as a success and starts the ladder again.
/// </summary>
/// <remarks>
/// No I/O and no clock: the owner (the session) says how long a connection stayed open and schedules the delay itself.
/// Not thread-safe; one actor owns one instance. The random source is passed in so tests can seed it.
/// </remarks>
public sealed class ReconnectPolicy
{
    // 2^30 × any sane base exceeds every sane cap; beyond it the doubling would only overflow.
    private const int MaxExponent = 30;

    private readonly ReconnectSettings _settings;
    private readonly Random _random;

    public ReconnectPolicy(ReconnectSettings settings, Random random)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        settings.Validate();
        _settings = settings;
        _random = random;
    }

    /// <summary>Consecutive attempts made since the last stable connection.</summary>
    public int Attempt { get; private set; }

    /// <summary>The upper bound of the delay for attempt <paramref name="attempt"/> (before jitter).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ticks = _settings.Base.Ticks * Math.Pow(2, Math.Min(attempt, MaxExponent));
        return ticks >= _settings.Cap.Ticks ? _settings.Cap : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay before the next attempt; counts the attempt.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = Ceiling(Attempt);
        if (Attempt < int.MaxValue)
        {
            Attempt++;
        }

        return TimeSpan.FromTicks((long)(_random.NextDouble() * ceiling.Ticks));
    }

    /// <summary>A connection that had opened was lost after <paramref name="stayedOpen"/>; a long enough one resets the ladder.</summary>
    public void ConnectionLost(TimeSpan stayedOpen)
    {
        if (stayedOpen >= _settings.StableAfter)
        {
            Attempt = 0;
        }
    }
}
