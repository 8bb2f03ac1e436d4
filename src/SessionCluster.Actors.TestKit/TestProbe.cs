using System.Diagnostics;
using System.Threading.Channels;
using Xunit.Sdk;

namespace SessionCluster.Actors.TestKit;

/// <summary>
/// A stand-in actor for tests: give <see cref="Ref"/> to the actor under test, then assert what it received.
/// Each Expect* waits up to its timeout (default <see cref="DefaultTimeout"/>, or the time left inside
/// <see cref="Within(TimeSpan, Action)"/>); failures throw an xunit assertion exception saying what was expected and
/// what arrived, or that nothing arrived in time. Deaths of watched actors arrive on a side channel
/// (<see cref="Watch"/> / <see cref="ExpectTerminated"/>), so <typeparamref name="T"/> need not include <see cref="Terminated"/>.
/// Use one probe from one test thread at a time.
/// </summary>
public sealed class TestProbe<T> where T : class
{
    private readonly ActorSystem _system;
    private readonly Channel<T> _received = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Terminated> _terminations = Channel.CreateUnbounded<Terminated>(new UnboundedChannelOptions { SingleReader = true });
    private ActorRef<ProbeWatcher.Command>? _watcher;
    private long? _withinDeadline; // Stopwatch timestamp

    /// <summary>Creates a probe as a top-level actor of <paramref name="system"/>.</summary>
    public TestProbe(ActorSystem system, string? name = null)
    {
        _system = system;
        Ref = system.Spawn(() => new ProbeActor<T>(_received.Writer), name);
    }

    /// <summary>The probe's reference: messages sent to it are what the Expect* methods see.</summary>
    public ActorRef<T> Ref { get; }

    /// <summary>Timeout of Expect* outside <c>Within</c> when none is given. Default <see cref="TestKitDefaults.ExpectTimeout"/>.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TestKitDefaults.ExpectTimeout;

    /// <summary>Time left in the innermost <c>Within</c>, or <see cref="DefaultTimeout"/> outside one.</summary>
    public TimeSpan RemainingOrDefault => _withinDeadline is { } deadline
        ? Max(TimeSpan.Zero, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline))
        : DefaultTimeout;

    // ---- expecting messages ---------------------------------------------------------------------------------------

    /// <summary>Expects any message.</summary>
    public T ExpectMsg(TimeSpan? timeout = null) => Wait(ExpectMsgAsync(timeout));

    /// <summary>Expects a message of type <typeparamref name="TMsg"/> (matching <paramref name="predicate"/>, if given).</summary>
    public TMsg ExpectMsg<TMsg>(Func<TMsg, bool>? predicate = null, TimeSpan? timeout = null) where TMsg : T =>
        Wait(ExpectMsgAsync(predicate, timeout));

    /// <summary>Expects a message equal to <paramref name="expected"/> (records compare by value).</summary>
    public T ExpectMsg(T expected, TimeSpan? timeout = null) => Wait(ExpectMsgAsync(expected, timeout));

    /// <summary>Fails if any message arrives within <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration) => Wait(ExpectNoMsgAsync(duration));

    /// <summary>Skips messages until one satisfies <paramref name="isTarget"/>, and returns it.</summary>
    public T FishForMessage(Func<T, bool> isTarget, TimeSpan? timeout = null) => Wait(FishForMessageAsync(isTarget, timeout));

    /// <inheritdoc cref="ExpectMsg(TimeSpan?)"/>
    public async Task<T> ExpectMsgAsync(TimeSpan? timeout = null)
    {
        var max = timeout ?? RemainingOrDefault;
        var (arrived, message) = await ReceiveAsync(max).ConfigureAwait(false);
        if (!arrived) throw Failure($"Expected a message, but nothing arrived within {Describe(max)}.");
        return message!;
    }

    /// <inheritdoc cref="ExpectMsg{TMsg}(Func{TMsg, bool}?, TimeSpan?)"/>
    public async Task<TMsg> ExpectMsgAsync<TMsg>(Func<TMsg, bool>? predicate = null, TimeSpan? timeout = null) where TMsg : T
    {
        var max = timeout ?? RemainingOrDefault;
        string expectation = $"a {typeof(TMsg).Name}{(predicate is null ? "" : " matching the predicate")}";
        var (arrived, message) = await ReceiveAsync(max).ConfigureAwait(false);
        if (!arrived) throw Failure($"Expected {expectation}, but nothing arrived within {Describe(max)}.");
        if (message is TMsg typed && (predicate is null || predicate(typed))) return typed;
        throw Failure($"Expected {expectation}, but received {Describe(message)}.");
    }

    /// <inheritdoc cref="ExpectMsg(T, TimeSpan?)"/>
    public async Task<T> ExpectMsgAsync(T expected, TimeSpan? timeout = null)
    {
        var max = timeout ?? RemainingOrDefault;
        var (arrived, message) = await ReceiveAsync(max).ConfigureAwait(false);
        if (!arrived) throw Failure($"Expected {Describe(expected)}, but nothing arrived within {Describe(max)}.");
        if (!EqualityComparer<T>.Default.Equals(expected, message)) throw Failure($"Expected {Describe(expected)}, but received {Describe(message)}.");
        return message!;
    }

    /// <inheritdoc cref="ExpectNoMsg(TimeSpan)"/>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        var (arrived, message) = await ReceiveAsync(duration).ConfigureAwait(false);
        if (arrived) throw Failure($"Expected no message for {Describe(duration)}, but received {Describe(message)}.");
    }

    /// <inheritdoc cref="FishForMessage(Func{T, bool}, TimeSpan?)"/>
    public async Task<T> FishForMessageAsync(Func<T, bool> isTarget, TimeSpan? timeout = null)
    {
        var max = timeout ?? RemainingOrDefault;
        long deadline = Stopwatch.GetTimestamp() + (long)(max.TotalSeconds * Stopwatch.Frequency);
        int skipped = 0;
        string? lastSkipped = null;
        while (true)
        {
            var left = Max(TimeSpan.Zero, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline));
            var (arrived, message) = await ReceiveAsync(left).ConfigureAwait(false);
            if (!arrived)
                throw Failure($"Fished for a matching {typeof(T).Name} for {Describe(max)}; skipped {skipped} message(s)"
                    + (lastSkipped is null ? "" : $", the last {lastSkipped}") + ", none matched.");
            if (isTarget(message!)) return message!;
            skipped++;
            lastSkipped = Describe(message);
        }
    }

    /// <summary>Takes the next message if one is already there, without waiting.</summary>
    public bool TryReceive(out T? message) => _received.Reader.TryRead(out message);

    // ---- death watch ------------------------------------------------------------------------------------------------

    /// <summary>Starts watching <paramref name="actor"/>; its death will be seen by <see cref="ExpectTerminated"/>.
    /// Returns once the watch is registered.</summary>
    public void Watch(IActorRef actor) => Wait(SendWatcherCommandAsync(actor, watch: true));

    /// <summary>Stops watching <paramref name="actor"/>.</summary>
    public void Unwatch(IActorRef actor) => Wait(SendWatcherCommandAsync(actor, watch: false));

    /// <summary>Expects the <see cref="Terminated"/> of <paramref name="actor"/> (watched with <see cref="Watch"/>).</summary>
    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? timeout = null) => Wait(ExpectTerminatedAsync(actor, timeout));

    /// <inheritdoc cref="ExpectTerminated"/>
    public async Task<Terminated> ExpectTerminatedAsync(IActorRef actor, TimeSpan? timeout = null)
    {
        var max = timeout ?? RemainingOrDefault;
        var (arrived, terminated) = await ReadAsync(_terminations.Reader, max).ConfigureAwait(false);
        if (!arrived) throw Failure($"Expected Terminated({actor.Path}), but nothing arrived within {Describe(max)}.");
        if (!terminated!.Actor.Equals(actor)) throw Failure($"Expected Terminated({actor.Path}), but received Terminated({terminated.Actor.Path}).");
        return terminated;
    }

    private async Task SendWatcherCommandAsync(IActorRef actor, bool watch)
    {
        _watcher ??= _system.Spawn(() => new ProbeWatcher(_terminations.Writer));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _watcher.Tell(new ProbeWatcher.Command(actor, watch, done));
        var max = DefaultTimeout;
        try
        {
            await done.Task.WaitAsync(max).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw Failure($"The probe's watcher did not register the {(watch ? "watch" : "unwatch")} of {actor.Path} within {Describe(max)}.");
        }
    }

    // ---- within -------------------------------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/>, which must finish within <paramref name="max"/>; inside it, Expect*
    /// without a timeout wait at most for the time left.</summary>
    public void Within(TimeSpan max, Action body) => Within(TimeSpan.Zero, max, body);

    /// <summary>Like <see cref="Within(TimeSpan, Action)"/>, and the block must also take at least <paramref name="min"/>.</summary>
    public void Within(TimeSpan min, TimeSpan max, Action body) =>
        Within(min, max, () =>
        {
            body();
            return true;
        });

    /// <summary>Like <see cref="Within(TimeSpan, TimeSpan, Action)"/>, returning the block's result.</summary>
    public TResult Within<TResult>(TimeSpan min, TimeSpan max, Func<TResult> body)
    {
        long start = Stopwatch.GetTimestamp();
        var outer = _withinDeadline;
        _withinDeadline = Earliest(outer, start + (long)(max.TotalSeconds * Stopwatch.Frequency));
        try
        {
            var result = body();
            CheckDuration(start, min, max);
            return result;
        }
        finally
        {
            _withinDeadline = outer;
        }
    }

    /// <summary>Like <see cref="Within{TResult}(TimeSpan, TimeSpan, Func{TResult})"/> without a minimum.</summary>
    public TResult Within<TResult>(TimeSpan max, Func<TResult> body) => Within(TimeSpan.Zero, max, body);

    /// <summary>Async <c>Within</c>: <paramref name="body"/> must complete within <paramref name="max"/> and take at least <paramref name="min"/>.</summary>
    public async Task WithinAsync(TimeSpan min, TimeSpan max, Func<Task> body)
    {
        long start = Stopwatch.GetTimestamp();
        var outer = _withinDeadline;
        _withinDeadline = Earliest(outer, start + (long)(max.TotalSeconds * Stopwatch.Frequency));
        try
        {
            await body().ConfigureAwait(false);
            CheckDuration(start, min, max);
        }
        finally
        {
            _withinDeadline = outer;
        }
    }

    /// <summary>Async <c>Within</c> without a minimum.</summary>
    public Task WithinAsync(TimeSpan max, Func<Task> body) => WithinAsync(TimeSpan.Zero, max, body);

    private static void CheckDuration(long start, TimeSpan min, TimeSpan max)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (elapsed > max) throw Failure($"The block took {Describe(elapsed)}, longer than the maximum {Describe(max)}.");
        if (elapsed < min) throw Failure($"The block took {Describe(elapsed)}, shorter than the minimum {Describe(min)}.");
    }

    private static long Earliest(long? outer, long candidate) => outer is { } o && o < candidate ? o : candidate;

    // ---- plumbing -----------------------------------------------------------------------------------------------------

    private Task<(bool Arrived, T? Message)> ReceiveAsync(TimeSpan max) => ReadAsync(_received.Reader, max);

    private static async Task<(bool Arrived, TItem? Item)> ReadAsync<TItem>(ChannelReader<TItem> reader, TimeSpan max)
    {
        if (reader.TryRead(out var item)) return (true, item);
        if (max <= TimeSpan.Zero) return (false, default);
        using var timeout = new CancellationTokenSource(max);
        try
        {
            while (await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                if (reader.TryRead(out item)) return (true, item);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // The wait ran out: report "nothing arrived" (after a last look, in case it raced with the timeout).
            if (reader.TryRead(out item)) return (true, item);
        }
        return (false, default);
    }

    private static TResult Wait<TResult>(Task<TResult> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    private static XunitException Failure(string message) => new(message);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Describe(TimeSpan duration) => $"{duration.TotalMilliseconds:0} ms";

    private static string Describe(object? message) => message?.ToString() ?? "null";
}
