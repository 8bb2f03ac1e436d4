using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Npgsql;
using SessionCluster.Actors;
using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Postgres;
using SessionCluster.Storage.Sqlite;
using SessionCluster.Storage.Tests.Postgres;

namespace SessionCluster.Benchmarks.Actors;

/// <summary>The events' common type, for <see cref="ProtobufCodec{T}"/>.</summary>
public interface IBenchEvent;

public sealed partial class BenchEvent : IBenchEvent;

/// <summary>
/// <c>--persistence sqlite|postgres [--writers 1,100,1000] [--min-seconds 5] [--min-events 100000] [--max-seconds 15]
/// [--replay-events 1000000] [--out file.json]</c> (docs/BENCHMARKS.md, "Actors").
/// </summary>
/// <remarks>
/// <para>
/// <b>Persist throughput.</b> For each writer count W, a fresh database and W <see cref="PersistentActor{TCommand,TState,TEvent}"/>s
/// that each handle one command at a time: persist one <see cref="BenchEvent"/> (a counter and a 32-byte value, 37 bytes
/// encoded), await the journal's confirmation, record the time from the call to the confirmation, and tell themselves
/// the next command — the "persist the ratchet before sending" pattern. All actors recover (claim, empty replay) before
/// the clock starts. The run stops once it lasted <c>--min-seconds</c> and either stored <c>--min-events</c> or lasted
/// <c>--max-seconds</c>; the figure is all confirmed events divided by the time until the last actor's last confirmation.
/// A 2-second warm-up with 100 writers on its own database runs first and is not reported.
/// </para>
/// <para>
/// <b>Recovery.</b> One persistence id with <c>--replay-events</c> events (no snapshot), loaded through the journal in
/// atomic writes of 1,000. Then, twice each: the raw <see cref="IJournal.ReplayAsync"/> of all of them, and a persistent
/// actor's recovery (claim, replay, decode, <c>Apply</c>), whose <see cref="RecoveryResult.Duration"/> gives events/s.
/// </para>
/// <para>
/// SQLite: a file in a temp folder, the shipped options (WAL, <c>synchronous=FULL</c>, batches of 1,000). PostgreSQL: a
/// throwaway server started exactly as the storage tests start it (<see cref="PostgresServer"/>: initdb, default
/// durability <c>fsync=on</c>, <c>synchronous_commit=on</c>), the shipped <see cref="PostgresStorageOptions"/>.
/// </para>
/// </remarks>
internal static class PersistenceBenchmark
{
    public const string Option = "--persistence";

    internal static readonly ProtobufCodec<IBenchEvent> Codec = ProtobufCodec<IBenchEvent>.Create().Add(BenchEvent.Parser).Build();

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || args[1] is not ("sqlite" or "postgres"))
        {
            Console.Error.WriteLine($"usage: {Option} sqlite|postgres [--writers 1,100,1000] [--min-seconds 5] [--min-events 100000] [--max-seconds 15] [--replay-events 1000000] [--out file.json]");
            return 2;
        }

        var writerCounts = (BenchArgs.String(args, "--writers", null) ?? "1,100,1000").Split(',').Select(int.Parse).ToArray();
        var limits = new RunLimits(
            BenchArgs.Double(args, "--min-seconds", 5),
            BenchArgs.Int(args, "--min-events", 100_000),
            BenchArgs.Double(args, "--max-seconds", 15));
        var replayEvents = BenchArgs.Int(args, "--replay-events", 1_000_000);
        var output = BenchArgs.String(args, "--out", null);

        await using Engine engine = args[1] == "sqlite" ? new SqliteEngine() : await PostgresEngine.StartAsync();
        Console.WriteLine($"== {engine.Description}");
        await using var system = ActorSystem.Create("bench-persistence");

        Console.WriteLine("warm-up: 100 writers, 2 s (not reported)");
        await RunWritersAsync(engine, system, "warmup", 100, new RunLimits(2, 0, 2));

        var throughput = new List<ThroughputResult>();
        foreach (var writers in writerCounts)
        {
            var result = await RunWritersAsync(engine, system, $"w{writers}", writers, limits);
            Console.WriteLine($"{writers,5} writers: {result.Events,9:N0} events in {result.Seconds:N2} s = {result.EventsPerSecond,9:N0} events/s; " +
                              $"latency p50 {result.P50Ms:N2} ms, p90 {result.P90Ms:N2} ms, p99 {result.P99Ms:N2} ms, p99.9 {result.P999Ms:N2} ms, max {result.MaxMs:N2} ms");
            throughput.Add(result);
        }

        var replay = await RunReplayAsync(engine, system, replayEvents);
        var report = new PersistenceReport(args[1], engine.Description, Environment.ProcessorCount, throughput, replay);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, BenchArgs.Json));
        }

        return 0;
    }

    private static async Task<ThroughputResult> RunWritersAsync(Engine engine, ActorSystem system, string name, int writers, RunLimits limits)
    {
        await using var stores = await engine.OpenAsync(name);
        var run = new WriterRun(writers);
        var actors = new List<(Writer Actor, ActorRef<WriterCommand> Ref)>(writers);
        for (var i = 0; i < writers; i++)
        {
            var actor = new Writer($"{name}-writer-{i}", stores.Stores, run);
            actors.Add((actor, system.Spawn(() => actor)));
        }

        await run.AllRecovered.WaitAsync(TimeSpan.FromMinutes(5));

        var started = Stopwatch.GetTimestamp();
        foreach (var (_, actorRef) in actors)
        {
            actorRef.Tell(WriterCommand.Next);
        }

        while (true)
        {
            await Task.Delay(50);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (elapsed >= limits.MinSeconds && (Volatile.Read(ref run.Events) >= limits.MinEvents || elapsed >= limits.MaxSeconds))
            {
                break;
            }
        }

        run.Stop();
        await run.AllStopped.WaitAsync(TimeSpan.FromMinutes(5));
        var seconds = Stopwatch.GetElapsedTime(started, run.LastConfirmation).TotalSeconds;

        var latencies = new long[actors.Sum(a => a.Actor.Latencies.Count)];
        var at = 0;
        foreach (var (actor, _) in actors)
        {
            actor.Latencies.CopyTo(latencies, at);
            at += actor.Latencies.Count;
        }

        await Task.WhenAll(actors.Select(a => system.StopAsync(a.Ref)));
        Array.Sort(latencies);
        return new ThroughputResult(
            writers,
            latencies.Length,
            seconds,
            latencies.Length / seconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.90),
            Percentile(latencies, 0.99),
            Percentile(latencies, 0.999),
            ToMs(latencies[^1]));
    }

    private static async Task<ReplayResult> RunReplayAsync(Engine engine, ActorSystem system, int events)
    {
        const string persistenceId = "replay-1";
        const int perWrite = 1_000;
        await using var stores = await engine.OpenAsync("replay");
        var journal = stores.Stores.Journal;

        Console.WriteLine($"recovery: loading {events:N0} events of one persistence id in atomic writes of {perWrite:N0}");
        var loadStarted = Stopwatch.GetTimestamp();
        await journal.ClaimAsync(persistenceId, "bench-loader");
        var digest = WriterRun.Digest;
        var now = DateTimeOffset.UtcNow;
        for (long first = 1; first <= events; first += perWrite)
        {
            var count = (int)Math.Min(perWrite, events - first + 1);
            var batch = new JournalEvent[count];
            for (var i = 0; i < count; i++)
            {
                var e = new BenchEvent { Counter = first + i, Digest = digest };
                batch[i] = new JournalEvent(persistenceId, first + i, Codec.ManifestOf(e), Codec.Encode(e), "bench-loader", now);
            }

            await journal.AppendAsync(new AtomicWrite(persistenceId, "bench-loader", batch));
        }

        var loadSeconds = Stopwatch.GetElapsedTime(loadStarted).TotalSeconds;
        Console.WriteLine($"  loaded in {loadSeconds:N1} s ({events / loadSeconds:N0} events/s)");

        var raw = new List<ReplayRun>();
        var actor = new List<ReplayRun>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            long replayed = 0;
            await foreach (var _ in journal.ReplayAsync(persistenceId, 1, long.MaxValue))
            {
                replayed++;
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            raw.Add(new ReplayRun(replayed, seconds, replayed / seconds, seconds));
            Console.WriteLine($"  raw ReplayAsync #{attempt + 1}: {replayed:N0} events in {seconds:N2} s = {replayed / seconds:N0} events/s");

            var run = new WriterRun(1);
            var spawned = Stopwatch.GetTimestamp();
            var recovering = new Writer(persistenceId, stores.Stores, run);
            var recoveringRef = system.Spawn(() => recovering);
            await run.AllRecovered.WaitAsync(TimeSpan.FromMinutes(10));
            var wall = Stopwatch.GetElapsedTime(spawned).TotalSeconds;
            var recovery = recovering.RecoveryResult ?? throw new InvalidOperationException("no recovery result");
            var duration = recovery.Duration.TotalSeconds;
            actor.Add(new ReplayRun(recovery.ReplayedEvents, duration, recovery.ReplayedEvents / duration, wall));
            Console.WriteLine($"  PersistentActor recovery #{attempt + 1}: {recovery.ReplayedEvents:N0} events in {duration:N2} s = " +
                              $"{recovery.ReplayedEvents / duration:N0} events/s (spawn to recovered: {wall:N2} s)");
            await system.StopAsync(recoveringRef);
        }

        return new ReplayResult(events, loadSeconds, raw, actor);
    }

    private static double Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : ToMs(sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed record RunLimits(double MinSeconds, int MinEvents, double MaxSeconds);

    internal sealed class WriterCommand
    {
        public static readonly WriterCommand Next = new();
    }

    internal sealed record WriterState(long Count)
    {
        public static readonly WriterState Empty = new(0);
    }

    /// <summary>What the writers of one configuration share: the stop flag, counters and completion signals.</summary>
    internal sealed class WriterRun(int writers)
    {
        public static readonly ByteString Digest = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)(i * 37 + 11)).ToArray());

        private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _toRecover = writers;
        private int _running = writers;
        private volatile bool _stopping;
        private long _lastConfirmation;

        public long Events;

        public Task AllRecovered => _recovered.Task;

        public Task AllStopped => _stopped.Task;

        public bool Stopping => _stopping;

        public long LastConfirmation => Volatile.Read(ref _lastConfirmation);

        public void Stop() => _stopping = true;

        public void Recovered()
        {
            if (Interlocked.Decrement(ref _toRecover) == 0)
            {
                _recovered.TrySetResult();
            }
        }

        public void Confirmed(long timestamp)
        {
            Interlocked.Increment(ref Events);
            long seen;
            while ((seen = Volatile.Read(ref _lastConfirmation)) < timestamp &&
                   Interlocked.CompareExchange(ref _lastConfirmation, timestamp, seen) != seen)
            {
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

    /// <summary>Persists one event per command and awaits it, then asks itself for the next.</summary>
    internal sealed class Writer(string persistenceId, PersistenceStores stores, WriterRun run)
        : PersistentActor<WriterCommand, WriterState, IBenchEvent>(persistenceId, stores)
    {
        public List<long> Latencies { get; } = new(4096);

        public RecoveryResult? RecoveryResult { get; private set; }

        protected override WriterState InitialState => WriterState.Empty;

        protected override IEventCodec<IBenchEvent> EventCodec => Codec;

        protected override WriterState Apply(WriterState state, IBenchEvent @event) => new(state.Count + 1);

        protected override ValueTask OnRecoveryCompletedAsync()
        {
            RecoveryResult = Recovery;
            run.Recovered();
            return default;
        }

        protected override async ValueTask HandleCommandAsync(WriterCommand command)
        {
            if (run.Stopping)
            {
                run.WriterStopped();
                return;
            }

            var e = new BenchEvent { Counter = LastSequenceNr + 1, Digest = WriterRun.Digest };
            var started = Stopwatch.GetTimestamp();
            await PersistAsync(e);
            var confirmed = Stopwatch.GetTimestamp();
            Latencies.Add(confirmed - started);
            run.Confirmed(confirmed);
            Context.Self.Tell(WriterCommand.Next);
        }
    }

    /// <summary>A journal and snapshot store per configuration, each on a fresh database.</summary>
    private abstract class Engine : IAsyncDisposable
    {
        public abstract string Description { get; }

        public abstract Task<OpenStores> OpenAsync(string name);

        public abstract ValueTask DisposeAsync();
    }

    private sealed class OpenStores(PersistenceStores stores, IAsyncDisposable database) : IAsyncDisposable
    {
        public PersistenceStores Stores { get; } = stores;

        public ValueTask DisposeAsync() => database.DisposeAsync();
    }

    private sealed class SqliteEngine : Engine
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sessioncluster-bench-sqlite-");

        public override string Description => $"SQLite (Microsoft.Data.Sqlite, shipped options: WAL, synchronous=FULL), files in {_folder.FullName}";

        public override async Task<OpenStores> OpenAsync(string name)
        {
            var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder.FullName, $"{name}.db") });
            return new OpenStores(new PersistenceStores(database.CreateJournal(), database.CreateSnapshotStore()), database);
        }

        public override ValueTask DisposeAsync()
        {
            _folder.Delete(recursive: true);
            return default;
        }
    }

    private sealed class PostgresEngine(PostgresServer server, string version) : Engine
    {
        public override string Description => $"PostgreSQL {version} (started like the storage tests: initdb into a temp folder, default durability), 127.0.0.1:{server.Port}";

        public static async Task<PostgresEngine> StartAsync()
        {
            var server = new PostgresServer();
            await server.InitializeAsync();
            var cs = await server.CreateDatabaseAsync("version");
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')", connection);
            var version = (string?)await command.ExecuteScalarAsync() ?? "?";
            return new PostgresEngine(server, version);
        }

        public override async Task<OpenStores> OpenAsync(string name)
        {
            var cs = await server.CreateDatabaseAsync(name);
            var database = await PostgresDatabase.OpenAsync(new PostgresStorageOptions { ConnectionString = cs });
            return new OpenStores(new PersistenceStores(database.CreateJournal(), database.CreateSnapshotStore()), database);
        }

        public override async ValueTask DisposeAsync() => await server.DisposeAsync();
    }
}

internal sealed record ThroughputResult(int Writers, long Events, double Seconds, double EventsPerSecond, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);

internal sealed record ReplayRun(long Events, double Seconds, double EventsPerSecond, double WallSeconds);

internal sealed record ReplayResult(int Events, double LoadSeconds, List<ReplayRun> Raw, List<ReplayRun> Actor);

internal sealed record PersistenceReport(string Engine, string Description, int Cores, List<ThroughputResult> Throughput, ReplayResult Replay);
