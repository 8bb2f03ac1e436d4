namespace SessionCluster.Actors;

/// <summary>
/// Timers that send messages to their actor (<c>Context.Timers</c>). Each timer has a key: starting a key again
/// replaces its timer; a cancelled or replaced timer's message is never delivered, even if it had already fired and
/// was waiting in the mailbox. All timers are cancelled when the actor stops or restarts. Runs on the system's
/// <see cref="ActorSystem.TimeProvider"/>. Use only on the actor's turn.
/// </summary>
public sealed class TimerScheduler<TMessage> where TMessage : class
{
    private readonly ActorCell<TMessage> _cell;
    private Dictionary<object, TimerEntry>? _timers;

    internal TimerScheduler(ActorCell<TMessage> cell) => _cell = cell;

    /// <summary>Sends <paramref name="message"/> once after <paramref name="delay"/>.</summary>
    public void StartSingle(object key, TMessage message, TimeSpan delay) => Start(key, message, delay, Timeout.InfiniteTimeSpan);

    /// <summary>Sends <paramref name="message"/> every <paramref name="interval"/>, the first time after one interval.</summary>
    public void StartPeriodic(object key, TMessage message, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Start(key, message, interval, interval);
    }

    /// <summary>True while the timer of <paramref name="key"/> may still deliver (a single timer until its message is handled).</summary>
    public bool IsActive(object key) => _timers is not null && _timers.ContainsKey(key);

    /// <summary>Cancels the timer of <paramref name="key"/>, if any.</summary>
    public void Cancel(object key)
    {
        if (_timers is not null && _timers.Remove(key, out var entry)) entry.Dispose();
    }

    /// <summary>Cancels every timer.</summary>
    public void CancelAll()
    {
        if (_timers is null) return;
        foreach (var entry in _timers.Values) entry.Dispose();
        _timers.Clear();
    }

    private void Start(object key, TMessage message, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        if (dueTime < TimeSpan.Zero) dueTime = TimeSpan.Zero;
        Cancel(key);
        var entry = new TimerEntry(_cell, key, message);
        (_timers ??= []).Add(key, entry);
        entry.Arm(_cell.System.TimeProvider, dueTime, period);
    }

    /// <summary>A fired timer's envelope reached the actor: returns its message if that timer is still the current one.</summary>
    internal bool TryTakeFired(object firedEntry, out TMessage message)
    {
        var entry = (TimerEntry)firedEntry;
        if (_timers is null || !_timers.TryGetValue(entry.Key, out var current) || !ReferenceEquals(current, entry))
        {
            message = null!;
            return false;
        }
        if (!entry.IsPeriodic)
        {
            _timers.Remove(entry.Key);
            entry.Dispose();
        }
        message = entry.Message;
        return true;
    }

    private sealed class TimerEntry(ActorCell<TMessage> cell, object key, TMessage message) : IDisposable
    {
        private ITimer? _timer;

        public object Key { get; } = key;
        public TMessage Message { get; } = message;
        public bool IsPeriodic { get; private set; }

        public void Arm(TimeProvider clock, TimeSpan dueTime, TimeSpan period)
        {
            IsPeriodic = period != Timeout.InfiniteTimeSpan;
            _timer = clock.CreateTimer(static state => ((TimerEntry)state!).Fire(), this, dueTime, period);
        }

        // On a timer thread: only reads immutable fields. Identity of the entry tells a stale firing from a live one.
        private void Fire() => cell.PostInternal(InternalEnvelope.ForTimer(this));

        public void Dispose() => _timer?.Dispose();
    }
}
