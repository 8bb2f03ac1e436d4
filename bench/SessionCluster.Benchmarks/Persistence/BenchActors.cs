using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;

namespace SessionCluster.Benchmarks.Persistence;

/// <summary>The event every actor persists: 64 bytes, written by Akka's byte-array serializer for both plugins.</summary>
internal static class BenchEvent
{
    public static readonly byte[] Payload = Enumerable.Range(0, 64).Select(i => (byte)(i * 37 + 11)).ToArray();
}

/// <summary>What the writers of one measurement share: the window, counters, failures and completion signals.</summary>
internal sealed class WriterRun(int writers)
{
    private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _toRecover = writers;
    private int _running = writers;
    private long _windowStart = long.MaxValue;
    private long _windowEnd = long.MaxValue;
    private volatile bool _stopping;
    private long _confirmed;

    /// <summary>What went wrong (persist failures and rejections, recovery failures), in order; the benchmark prints them.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public Task AllRecovered => _recovered.Task;

    public Task AllStopped => _stopped.Task;

    public bool Stopping => _stopping;

    /// <summary>Every confirmation so far, window or not (the controller samples it once a second to see stalls).</summary>
    public long Confirmed => Interlocked.Read(ref _confirmed);

    public int StillRunning => Volatile.Read(ref _running);

    public void OpenWindow(long timestamp) => Volatile.Write(ref _windowStart, timestamp);

    public void CloseWindow(long timestamp) => Volatile.Write(ref _windowEnd, timestamp);

    public void Stop() => _stopping = true;

    /// <summary>Counts the confirmation; true when it falls inside the measured window.</summary>
    public bool Confirm(long confirmedAt)
    {
        Interlocked.Increment(ref _confirmed);
        return confirmedAt >= Volatile.Read(ref _windowStart) && confirmedAt <= Volatile.Read(ref _windowEnd);
    }

    public void Recovered()
    {
        if (Interlocked.Decrement(ref _toRecover) == 0)
        {
            _recovered.TrySetResult();
        }
    }

    public void WriterStopped()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _stopped.TrySetResult();
        }
    }
}

/// <summary>
/// One session-like writer: on <see cref="Next"/> it persists one event with <c>Persist</c> and, in the handler,
/// records the time from the call to the handler and tells itself the next. Akka stashes commands while a
/// <c>Persist</c> is pending, so each writer has exactly one write in flight.
/// </summary>
internal sealed class Writer : ReceivePersistentActor
{
    private readonly WriterRun _run;
    private readonly List<long> _latencies;
    private long _started;

    public Writer(string persistenceId, WriterRun run, List<long> latencies)
    {
        PersistenceId = persistenceId;
        _run = run;
        _latencies = latencies;
        Recover<byte[]>(_ => { });
        Recover<RecoveryCompleted>(_ => run.Recovered());
        Command<Next>(_ => PersistNext());
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, WriterRun run, List<long> latencies) =>
        Akka.Actor.Props.Create(() => new Writer(persistenceId, run, latencies));

    private void PersistNext()
    {
        if (_run.Stopping)
        {
            _run.WriterStopped();
            return;
        }

        _started = Stopwatch.GetTimestamp();
        Persist(BenchEvent.Payload, Persisted);
    }

    private void Persisted(byte[] _)
    {
        var confirmed = Stopwatch.GetTimestamp();
        if (_run.Confirm(confirmed))
        {
            _latencies.Add(confirmed - _started);
        }

        Self.Tell(Next.Instance);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _run.Problems.Enqueue($"{PersistenceId}: persist failure at sequence number {sequenceNr}: {cause.GetType().Name}: {cause.Message}");
        _run.WriterStopped();
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _run.Problems.Enqueue($"{PersistenceId}: persist rejected at sequence number {sequenceNr}: {cause.GetType().Name}: {cause.Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
        Self.Tell(Next.Instance);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _run.Problems.Enqueue($"{PersistenceId}: recovery failure: {reason.GetType().Name}: {reason.Message}");
        _run.Recovered();
        _run.WriterStopped();
        base.OnRecoveryFailure(reason, message);
    }

    public sealed class Next
    {
        public static readonly Next Instance = new();

        private Next()
        {
        }
    }
}

/// <summary>
/// Writes the recovery data set: <c>PersistAll</c> of <paramref name="batch"/> events at a time, the next batch once
/// the last handler of the previous one ran, until <paramref name="total"/> events are stored.
/// </summary>
internal sealed class Loader : ReceivePersistentActor
{
    private readonly long _total;
    private readonly int _batch;
    private readonly TaskCompletionSource<long> _done;
    private long _persisted;

    public Loader(string persistenceId, long total, int batch, TaskCompletionSource<long> done)
    {
        PersistenceId = persistenceId;
        _total = total;
        _batch = batch;
        _done = done;
        Recover<byte[]>(_ => _persisted++);
        Recover<RecoveryCompleted>(_ => PersistBatch());
        Command<byte[]>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, long total, int batch, TaskCompletionSource<long> done) =>
        Akka.Actor.Props.Create(() => new Loader(persistenceId, total, batch, done));

    private void PersistBatch()
    {
        var count = (int)Math.Min(_batch, _total - _persisted);
        if (count == 0)
        {
            _done.TrySetResult(_persisted);
            return;
        }

        var events = new byte[count][];
        Array.Fill(events, BenchEvent.Payload);
        var left = count;
        PersistAll(events, _ =>
        {
            _persisted++;
            if (--left == 0)
            {
                PersistBatch();
            }
        });
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _done.TrySetException(new InvalidOperationException($"loading {PersistenceId} failed at sequence number {sequenceNr}", cause));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _done.TrySetException(new InvalidOperationException($"recovering {PersistenceId} before loading failed", reason));
        base.OnRecoveryFailure(reason, message);
    }
}

/// <summary>A fresh incarnation that only recovers: counts the replayed events and signals when recovery completes.</summary>
internal sealed class Recovering : ReceivePersistentActor
{
    private long _replayed;

    public Recovering(string persistenceId, TaskCompletionSource<(long Events, long CompletedAt)> done)
    {
        PersistenceId = persistenceId;
        Recover<byte[]>(_ => _replayed++);
        Recover<RecoveryCompleted>(_ => done.TrySetResult((_replayed, Stopwatch.GetTimestamp())));
        Command<byte[]>(_ => { });
        Done = done;
    }

    public override string PersistenceId { get; }

    private TaskCompletionSource<(long Events, long CompletedAt)> Done { get; }

    public static Props Props(string persistenceId, TaskCompletionSource<(long Events, long CompletedAt)> done) =>
        Akka.Actor.Props.Create(() => new Recovering(persistenceId, done));

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Done.TrySetException(new InvalidOperationException($"recovering {PersistenceId} failed after {_replayed:N0} events", reason));
        base.OnRecoveryFailure(reason, message);
    }
}
