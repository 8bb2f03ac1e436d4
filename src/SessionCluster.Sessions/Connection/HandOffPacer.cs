namespace SessionCluster.Sessions.Connection;

/// <summary>
/// Paces a node's handoffs shard by shard (docs/CLUSTER.md "Handoff"). When a node stops, Akka hands all its shards
/// off at once; stopping every session at once would leave each of them offline until the receiving node, starting
/// connections at its share of the reconnect cap, reaches it: seconds for the last of a few hundred, tens of seconds
/// for thousands. Instead each shard gets a slot: its sessions stay connected (receiving, acknowledging) until the
/// slot, then stop together, and the shard moves. Slots follow each other at the node's share of the cap, so the
/// receiving node finds a start for each session as it arrives and every session's own gap stays short, while the
/// whole drain still fits in <see cref="MaxSpread"/> (inside the region's handoff-timeout): when it would not, the
/// pace quickens to fit.
/// </summary>
/// <remarks>Called from many session actors at once; one lock guards the slots.</remarks>
public sealed class HandOffPacer
{
    /// <summary>12 s: inside the 20 s handoff-timeout and CoordinatedShutdown's 20 s region phase, with room for the last shard to stop.</summary>
    public static readonly TimeSpan DefaultMaxSpread = TimeSpan.FromSeconds(12);

    private readonly Lock _gate = new();
    private readonly Func<double> _perSecond;
    private readonly Func<int> _hosted;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, long> _slots = [];
    private long _nextFree;
    private long _drainStarted;
    private double _pace;

    /// <param name="perSecond">The node's share of the cluster-wide reconnect cap, read at each drain's start (infinity: no pacing).</param>
    /// <param name="hosted">How many sessions the node hosts now, read at each drain's start.</param>
    public HandOffPacer(Func<double> perSecond, Func<int> hosted, TimeProvider clock, TimeSpan? maxSpread = null)
    {
        _perSecond = perSecond;
        _hosted = hosted;
        _clock = clock;
        MaxSpread = maxSpread ?? DefaultMaxSpread;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxSpread, TimeSpan.Zero);
    }

    /// <summary>No pacing: every session stops at once (one node; tests).</summary>
    public static HandOffPacer None { get; } = new(() => double.PositiveInfinity, () => 0, TimeProvider.System);

    /// <summary>The longest a drain is spread over, first slot to last.</summary>
    public TimeSpan MaxSpread { get; }

    /// <summary>How long a session of <paramref name="shardId"/> stays before it stops for the handoff (zero: now).</summary>
    public TimeSpan Reserve(string shardId)
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (_slots.Count > 0 && _clock.GetElapsedTime(_drainStarted, now) > MaxSpread + MaxSpread)
            {
                // The last drain is long over: a new one (a later rebalance, this node's shutdown) starts from now.
                _slots.Clear();
            }

            if (_slots.Count == 0)
            {
                _drainStarted = now;
                _nextFree = now;
                var share = _perSecond();
                _pace = double.IsPositiveInfinity(share) ? double.PositiveInfinity : Math.Max(share, _hosted() / MaxSpread.TotalSeconds);
            }

            if (!_slots.TryGetValue(shardId, out var slot))
            {
                slot = Math.Max(now, _nextFree);
                _slots[shardId] = slot;
            }

            // Each session moves the next shard's slot on by one start at the pace; a slot never lies past the spread.
            if (!double.IsPositiveInfinity(_pace) && _pace > 0)
            {
                _nextFree = Math.Min(
                    Math.Max(now, _nextFree) + (long)(_clock.TimestampFrequency / _pace),
                    _drainStarted + (long)(MaxSpread.TotalSeconds * _clock.TimestampFrequency));
            }

            return slot > now ? _clock.GetElapsedTime(now, slot) : TimeSpan.Zero;
        }
    }
}
