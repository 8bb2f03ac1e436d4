using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;

namespace SessionCluster.Benchmarks.Persistence;

/// <summary>
/// <c>--persistence [--actors 1,200,1000] [--warmup 5] [--seconds 15] [--targets ours-sqlite,...] [--recovery-events 1000000]
/// [--recovery-runs 2] [--out results.json] [--markdown results.md]</c> (docs/BENCHMARKS.md, "Persistence through Akka").
/// </summary>
/// <remarks>
/// <para>
/// Everything goes through Akka: a real ActorSystem per measurement, <see cref="ReceivePersistentActor"/>s calling
/// <c>Persist</c>, and the journal and snapshot store of the target as the defaults. The same 64-byte byte[] event,
/// written by Akka's byte-array serializer, for every target.
/// </para>
/// <para>
/// <b>Persist throughput and latency.</b> For each actor count N and each target, a fresh database and ActorSystem,
/// N <see cref="Writer"/>s (one write in flight each) recovered before the clock starts; then a warm-up, then the
/// measured window: events/s = handlers that ran inside the window / window length, latency = Persist call to
/// handler of those events. Actor counts are the outer loop and targets the inner one, so a change of machine load
/// during the run hits every target of a row alike.
/// </para>
/// <para>
/// <b>Recovery.</b> Per target one persistence id with <c>--recovery-events</c> events, written through Akka by a
/// <see cref="Loader"/> (<c>PersistAll</c> of 1,000 at a time). Then, <c>--recovery-runs</c> times, a new
/// ActorSystem (the plugin started by one empty recovery first) and a fresh incarnation whose recovery is timed from
/// spawn to <c>RecoveryCompleted</c>.
/// </para>
/// </remarks>
internal static class PersistenceBenchmark
{
    public const string Option = "--persistence";

    private const string BaseHocon = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var actorCounts = Ints(BenchArgs.String(args, "--actors", null) ?? "1,200,1000");
        var warmup = BenchArgs.Double(args, "--warmup", 5);
        var seconds = BenchArgs.Double(args, "--seconds", 15);
        var recoveryEvents = BenchArgs.Int(args, "--recovery-events", 1_000_000);
        var recoveryRuns = BenchArgs.Int(args, "--recovery-runs", 2);
        var selected = BenchArgs.String(args, "--targets", null)?.Split(',');
        var output = BenchArgs.String(args, "--out", null);
        var markdown = BenchArgs.String(args, "--markdown", null);

        using var folder = new SqliteFolder();
        await using var postgres = await PostgresHost.StartAsync();
        PersistenceTarget[] all =
        [
            new OursSqlite(folder),
            new AkkaSqlSqlite(folder, wal: true),
            new AkkaSqlSqlite(folder, wal: true, parallelism: 1),
            new AkkaSqlSqlite(folder, wal: false),
            new AkkaSqlPostgres(postgres),
            new AkkaInMemory(),
        ];
        var targets = all.Where(t => selected is null ? t.InDefaultRun : selected.Contains(t.Key)).ToArray();
        Console.WriteLine($"SQLite files in {folder.FullName}; {postgres.Description}");
        foreach (var target in targets)
        {
            Console.WriteLine($"  {target.Key}: {target.Plugin} on {target.Engine}: {target.Description}");
        }

        var throughput = new List<ThroughputResult>();
        var problems = new List<string>();
        foreach (var actors in actorCounts)
        {
            foreach (var target in targets)
            {
                var result = await MeasureWritersAsync(target, actors, warmup, seconds);
                Console.WriteLine($"{target.Key,-24} {actors,5} actors: {result.EventsPerSecond,9:N0} events/s ({result.Events:N0} in {result.Seconds:N1} s), " +
                                  $"p50 {result.P50Ms:N2} ms, p99 {result.P99Ms:N2} ms, max {result.MaxMs:N1} ms, slowest second {result.SlowestSecond:N0} events, " +
                                  $"benchmark process CPU {result.ProcessCpu:P0} of the machine, machine CPU {result.MachineCpuMicrosPerEvent:N1} µs per event, load {result.Load}" +
                                  (result.Storage is null ? "" : $", {result.Storage}") +
                                  (result.Problems.Count > 0 ? $", {result.Problems.Count} problem(s)" : ""));
                foreach (var problem in result.Problems)
                {
                    Console.WriteLine($"    ! {problem}");
                }

                problems.AddRange(result.Problems.Select(p => $"{target.Key}, {actors} actors: {p}"));
                throughput.Add(result);
            }
        }

        var recovery = new List<RecoveryResult>();
        if (recoveryEvents > 0)
        {
            // Recovery reads; the journal mode matters little there, so Akka.Persistence.Sql on SQLite is measured once (WAL).
            foreach (var target in targets.Where(t => t.Key is not ("akkasql-sqlite-rollback" or "akkasql-sqlite-wal-p1") && t.InDefaultRun && t.Durable))
            {
                try
                {
                    recovery.Add(await MeasureRecoveryAsync(target, recoveryEvents, recoveryRuns));
                }
                catch (Exception e)
                {
                    Console.WriteLine($"  ! recovery on {target.Key} failed: {e}");
                    problems.Add($"{target.Key}, recovery: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        var report = new PersistenceReport(Environment.ProcessorCount, warmup, seconds, postgres.Description,
            targets.Select(t => new TargetInfo(t.Key, t.Plugin, t.Engine, t.Description)).ToList(), throughput, recovery, problems);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, BenchArgs.Json));
        }

        var summary = PersistenceSummary.Markdown(report);
        Console.WriteLine();
        Console.WriteLine(summary);
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown, summary);
        }

        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<ThroughputResult> MeasureWritersAsync(PersistenceTarget target, int actors, double warmup, double seconds)
    {
        var name = $"{target.Key}-{actors}";
        var config = await target.CreateAsync(name);
        var system = ActorSystem.Create("bench", ConfigurationFactory.ParseString(BaseHocon).WithFallback(config));
        var run = new WriterRun(actors);
        var latencies = new List<long>[actors];
        var samples = new List<long>();
        try
        {
            var refs = new IActorRef[actors];
            for (var i = 0; i < actors; i++)
            {
                latencies[i] = new List<long>(1024);
                refs[i] = system.ActorOf(Writer.Props($"session-{i}", run, latencies[i]), $"writer-{i}");
            }

            await run.AllRecovered.WaitAsync(TimeSpan.FromMinutes(5));
            foreach (var actor in refs)
            {
                actor.Tell(Writer.Next.Instance);
            }

            await Task.Delay(TimeSpan.FromSeconds(warmup));
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var machineAtStart = MachineCpu.BusySeconds();
            var windowStart = Stopwatch.GetTimestamp();
            run.OpenWindow(windowStart);
            var last = run.Confirmed;
            for (var second = 1; second <= (int)seconds; second++)
            {
                var wait = TimeSpan.FromSeconds(second) - Stopwatch.GetElapsedTime(windowStart);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var now = run.Confirmed;
                samples.Add(now - last);
                last = now;
            }

            var rest = TimeSpan.FromSeconds(seconds) - Stopwatch.GetElapsedTime(windowStart);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            var windowEnd = Stopwatch.GetTimestamp();
            run.CloseWindow(windowEnd);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
            var machineBusy = MachineCpu.BusySeconds() - machineAtStart;
            run.Stop();
            try
            {
                await run.AllStopped.WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch (TimeoutException)
            {
                run.Problems.Enqueue($"{run.StillRunning} of {actors} actors had not stopped 2 minutes after the window closed (a write never confirmed?)");
            }

            var storage = target.Inspect(name);
            var all = latencies.SelectMany(l => l).ToArray();
            Array.Sort(all);
            var window = Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds;
            return new ThroughputResult(
                target.Key,
                actors,
                all.Length,
                window,
                all.Length / window,
                Percentile(all, 0.50),
                Percentile(all, 0.99),
                all.Length == 0 ? double.NaN : ToMs(all[^1]),
                samples.Count == 0 ? 0 : samples.Min(),
                cpu / window / Environment.ProcessorCount,
                all.Length == 0 ? double.NaN : machineBusy / all.Length * 1e6,
                LoadAverage(),
                storage,
                run.Problems.ToList());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromMinutes(1));
            await target.ReleaseAsync(name);
        }
    }

    private static async Task<RecoveryResult> MeasureRecoveryAsync(PersistenceTarget target, int events, int runs)
    {
        const string persistenceId = "recovery-1";
        const int batch = 1_000;
        var name = $"{target.Key}-recovery";
        var config = ConfigurationFactory.ParseString(BaseHocon).WithFallback(await target.CreateAsync(name));
        try
        {
            Console.WriteLine($"{target.Key}: loading {events:N0} events of one persistence id (PersistAll of {batch:N0})");
            double loadSeconds;
            {
                var system = ActorSystem.Create("bench-load", config);
                try
                {
                    var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var started = Stopwatch.GetTimestamp();
                    system.ActorOf(Loader.Props(persistenceId, events, batch, done), "loader");
                    var loaded = await done.Task.WaitAsync(TimeSpan.FromMinutes(30));
                    loadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    Console.WriteLine($"  loaded {loaded:N0} in {loadSeconds:N1} s ({loaded / loadSeconds:N0} events/s)");
                }
                finally
                {
                    await system.Terminate().WaitAsync(TimeSpan.FromMinutes(1));
                }
            }

            var results = new List<RecoveryRun>();
            for (var attempt = 1; attempt <= runs; attempt++)
            {
                var system = ActorSystem.Create("bench-recover", config);
                try
                {
                    // Start the plugin (open the database, migrations check) with an empty recovery, outside the timing.
                    var warm = new TaskCompletionSource<(long Events, long CompletedAt)>(TaskCreationOptions.RunContinuationsAsynchronously);
                    system.ActorOf(Recovering.Props("recovery-warm-up", warm), "warm-up");
                    await warm.Task.WaitAsync(TimeSpan.FromMinutes(1));

                    var done = new TaskCompletionSource<(long Events, long CompletedAt)>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var spawned = Stopwatch.GetTimestamp();
                    system.ActorOf(Recovering.Props(persistenceId, done), "recovering");
                    var (replayed, completedAt) = await done.Task.WaitAsync(TimeSpan.FromMinutes(30));
                    var seconds = Stopwatch.GetElapsedTime(spawned, completedAt).TotalSeconds;
                    if (replayed != events)
                    {
                        throw new InvalidOperationException($"recovery replayed {replayed:N0} events, {events:N0} were written");
                    }

                    results.Add(new RecoveryRun(replayed, seconds, replayed / seconds));
                    Console.WriteLine($"  recovery #{attempt}: {replayed:N0} events in {seconds:N2} s = {replayed / seconds:N0} events/s");
                }
                finally
                {
                    await system.Terminate().WaitAsync(TimeSpan.FromMinutes(1));
                }
            }

            return new RecoveryResult(target.Key, events, loadSeconds, events / loadSeconds, results);
        }
        finally
        {
            await target.ReleaseAsync(name);
        }
    }

    /// <summary>The 1-minute load average at the end of a measurement (the machine is shared).</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static int[] Ints(string list) => list.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static double Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : ToMs(sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

internal sealed record TargetInfo(string Key, string Plugin, string Engine, string Description);

internal sealed record ThroughputResult(
    string Target, int Actors, long Events, double Seconds, double EventsPerSecond, double P50Ms, double P99Ms, double MaxMs, long SlowestSecond,
    double ProcessCpu, double MachineCpuMicrosPerEvent, string Load,
    string? Storage, List<string> Problems);

internal sealed record RecoveryRun(long Events, double Seconds, double EventsPerSecond);

internal sealed record RecoveryResult(string Target, int Events, double LoadSeconds, double LoadEventsPerSecond, List<RecoveryRun> Runs);

internal sealed record PersistenceReport(
    int Cores, double WarmupSeconds, double WindowSeconds, string Postgres, List<TargetInfo> Targets, List<ThroughputResult> Throughput,
    List<RecoveryResult> Recovery, List<string> Problems);
