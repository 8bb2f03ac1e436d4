namespace SessionCluster.Actors.TestKit;

/// <summary>
/// A clock that moves only when told (<see cref="Advance"/>), for deterministic tests of timers, backoff and ask
/// timeouts. Timer callbacks due by the new time run synchronously inside <see cref="Advance"/>, in due order.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _ticks;

    /// <summary>Starts at <paramref name="start"/> (default 2026-01-01 UTC).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_timers) return _now;
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_timers) return _ticks;
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers created and not yet disposed or finished.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_timers) return _timers.Count(t => t.DueTicks is not null);
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> timers are armed (a timer is created asynchronously by
    /// an actor); use before <see cref="Advance"/> to avoid advancing too early.</summary>
    public async Task WaitForActiveTimersAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ActiveTimerCount < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Expected {count} active timer(s) within {timeout.TotalMilliseconds:0} ms, found {ActiveTimerCount}.");
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the clock forward, running every callback that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_timers) target = _ticks + by.Ticks;
        while (true)
        {
            ManualTimer? next = null;
            lock (_timers)
            {
                foreach (var timer in _timers)
                    if (timer.DueTicks is { } due && due <= target && (next is null || due < next.DueTicks)) next = timer;
                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _ticks);
                    _ticks = target;
                    return;
                }
                long dueAt = next.DueTicks!.Value;
                _now += TimeSpan.FromTicks(dueAt - _ticks);
                _ticks = dueAt;
                next.DueTicks = next.PeriodTicks is { } period ? dueAt + period : null;
            }
            next.Fire();
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_timers) _timers.Add(timer);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueTicks;
        public long? PeriodTicks;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._timers)
            {
                DueTicks = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + Math.Max(0, dueTime.Ticks);
                PeriodTicks = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks;
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._timers)
            {
                DueTicks = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
