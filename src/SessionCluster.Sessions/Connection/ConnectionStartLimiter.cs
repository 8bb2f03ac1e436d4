namespace SessionCluster.Sessions.Connection;

/// <summary>
/// The node's reconnect-rate cap: a token bucket shared by every session of the node (one instance in
/// <see cref="SessionActorDependencies.ConnectionStarts"/>), taken before each connection a session starts by itself
/// (after recovery, after a loss; not for <c>LinkByQr</c>, <c>LinkByCode</c> or a <c>Connect</c> command). It refills
/// at <see cref="PerSecond"/> up to <see cref="Burst"/>. A caller that finds it empty still gets its start, later:
/// <see cref="Reserve"/> answers how long to wait, and the k-th caller in a queue waits about k / rate. So a node that
/// restarts with 10,000 linked sessions opens them at the cap's rate instead of all at once.
/// </summary>
public sealed class ConnectionStartLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private double _tokens;
    private long _stamp;

    /// <param name="perSecond">Connection starts per second once the burst is spent; positive infinity: no cap.</param>
    /// <param name="burst">Starts allowed at once from a full bucket (at least 1).</param>
    public ConnectionStartLimiter(double perSecond, int burst, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        PerSecond = perSecond;
        Burst = burst;
        _clock = clock;
        _tokens = burst;
        _stamp = clock.GetTimestamp();
    }

    /// <summary>No cap (the default): every start now.</summary>
    public static ConnectionStartLimiter Unlimited { get; } = new(double.PositiveInfinity, 1, TimeProvider.System);

    public double PerSecond { get; private set; }

    public int Burst { get; private set; }

    /// <summary>
    /// Changes the rate and burst from now on (a cluster node's share of the cluster-wide cap changes as sessions
    /// nodes come and go); tokens already in the bucket stay, up to the new burst.
    /// </summary>
    public void Retune(double perSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (!double.IsPositiveInfinity(PerSecond))
            {
                _tokens = Math.Min(Burst, _tokens + (_clock.GetElapsedTime(_stamp, now).TotalSeconds * PerSecond));
            }

            _stamp = now;
            PerSecond = perSecond;
            Burst = burst;
            _tokens = Math.Min(_tokens, burst);
        }
    }

    /// <summary>Takes one start; returns how long the caller waits before using it (zero: at once).</summary>
    public TimeSpan Reserve()
    {
        lock (_gate)
        {
            if (double.IsPositiveInfinity(PerSecond))
            {
                return TimeSpan.Zero;
            }

            var now = _clock.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + (_clock.GetElapsedTime(_stamp, now).TotalSeconds * PerSecond));
            _stamp = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / PerSecond);
        }
    }
}
