using System.Globalization;
using SessionCluster.ClusterBench.Soak;
using SessionCluster.Host.Tests;
using SessionCluster.Host.Tests.Clustering;
using SessionCluster.Sessions;
using SessionCluster.TestSupport;

// The cluster benchmark (docs/BENCHMARKS.md "Cluster (issue 14)"): 3 node processes on one PostgreSQL, N sessions
// linked to the simulator, then (1) sessions and memory per node, (2) kill -9 of the fullest node and each of its
// sessions' failover time, (3) a rolling restart of the survivors to a new version and the handoff gap per shard.
//   dotnet run -c Release --project bench/SessionCluster.ClusterBench -- [--sessions 300] [--parallel 12] [--reconnects-per-second 200]
// --soak-minutes M: the soak instead (bench/run-soak.sh, Soak/SoakRun.cs): one node, steady traffic for M minutes.
if (args.Contains("--soak-minutes"))
{
    Environment.ExitCode = await SoakRun.RunAsync(SoakOptions.Parse(args));
    return;
}

var sessions = Option("--sessions", 300);
var parallel = Option("--parallel", 12);

// SC:Cluster:ReconnectsPerSecond for every node (0: the node's default, 200 across the cluster).
var reconnects = Option("--reconnects-per-second", 0);

// --perf-failover S: `perf record` one survivor for S seconds from the kill (JIT frames named through the runtime's perf map).
var perfSeconds = Option("--perf-failover", 0);
var nodeSettings = new Dictionary<string, string>();
if (reconnects > 0)
{
    nodeSettings["SC__Cluster__ReconnectsPerSecond"] = reconnects.ToString(CultureInfo.InvariantCulture);
}

if (perfSeconds > 0)
{
    nodeSettings["DOTNET_PerfMapEnabled"] = "1";
    nodeSettings["DOTNET_EnableWriteXorExecute"] = "0";
}

var postgres = new PostgresServer();
await postgres.InitializeAsync();
try
{
    await using var rig = await ClusterRig.CreateAsync(postgres, "clusterbench");
    var nodes = new List<ClusterNode>();
    for (var i = 0; i < 3; i++)
    {
        nodes.Add(await rig.StartNodeAsync("1.0.0", null, null, null, nodeSettings));
    }

    foreach (var node in nodes)
    {
        await node.WaitReadyAsync();
    }

    var baseRss = nodes.ToDictionary(n => n, n => RssMegabytes(n.Process.Id));
    var cpu = new CpuMeter(() => rig.Nodes.Where(n => !n.Process.HasExited).Select(n => ($"node {n.Index}", n.Process.Id)).ToList());
    var phones = Enumerable.Range(0, sessions).Select(i => string.Create(CultureInfo.InvariantCulture, $"1556{i:D7}")).ToList();
    var linkStart = DateTime.UtcNow;
    using (var gate = new SemaphoreSlim(parallel))
    {
        await Task.WhenAll(phones.Select(async (phone, i) =>
        {
            await gate.WaitAsync();
            try
            {
                await rig.LinkSessionAsync(nodes[i % 3], $"b-{i}", phone);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    Report($"linked {sessions} sessions in {(DateTime.UtcNow - linkStart).TotalSeconds:F0} s ({parallel} at a time)");
    var linkedIds = NodeLogs.InternalIds(nodes);
    var ids = phones.ToDictionary(p => p, p => linkedIds[p]);
    var linkedMoments = NodeLogs.MomentsById(nodes);
    var hosts = ids.Values.ToDictionary(id => id, id => linkedMoments[id].First(m => m.Connected).Node);
    await Task.Delay(TimeSpan.FromSeconds(10));
    foreach (var node in nodes)
    {
        var held = hosts.Values.Count(h => h == node);
        var rss = RssMegabytes(node.Process.Id);
        Report($"node {node.Index}: {held} sessions, RSS {rss:F0} MB ({baseRss[node]:F0} MB before linking: {(held == 0 ? 0 : (rss - baseRss[node]) * 1024 / held):F0} KB per session)");
    }

    // (2) kill -9 of the fullest node.
    var victim = nodes.OrderByDescending(n => hosts.Values.Count(h => h == n)).First();
    var moved = hosts.Where(h => h.Value == victim).Select(h => h.Key).ToList();
    var cpuBeforeKill = cpu.Read();
    var killedAt = TimeOnly.FromDateTime(DateTime.Now);
    await victim.Process.SignalAsync("KILL");
    var survivors = nodes.Where(n => n != victim).ToList();
    var profiler = perfSeconds > 0 && Environment.GetEnvironmentVariable("SC_BENCH_LOGS") is { Length: > 0 } perfFolder
        ? System.Diagnostics.Process.Start("perf", ["record", "-e", "cpu-clock", "-F", "499", "-g", "-p", survivors[0].Process.Id.ToString(CultureInfo.InvariantCulture),
            "-o", Path.Combine(perfFolder, "perf-failover.data"), "--", "sleep", perfSeconds.ToString(CultureInfo.InvariantCulture)])
        : null;
    var failovers = new Dictionary<string, TimeSpan>();
    var until = DateTime.UtcNow + TimeSpan.FromMinutes(5);
    while (failovers.Count < moved.Count && DateTime.UtcNow < until)
    {
        await Task.Delay(1000);
        var seen = NodeLogs.MomentsById(survivors);
        foreach (var id in moved.Where(id => !failovers.ContainsKey(id)))
        {
            if (seen.GetValueOrDefault(id)?.FirstOrDefault(m => m.Connected && m.Time > killedAt) is { } back)
            {
                failovers[id] = back.Time - killedAt;
            }
        }
    }

    Report($"kill -9 of node {victim.Index} ({moved.Count} sessions): {failovers.Count} reconnected on the others; failover {Distribution(failovers.Values)}");
    Report($"failover {CpuMeter.Describe(cpuBeforeKill, cpu.Read(), moved.Count)}");
    if (profiler is not null)
    {
        await profiler.WaitForExitAsync();
        Report($"perf of node {survivors[0].Index} during the failover: perf-failover.data in the run folder (summarize: bench/node/summarize-perf.mjs)");
    }

    // (3) rolling restart of the two survivors to 1.1.0 (a new node first, then the old one stops).
    var gapsByShard = new Dictionary<string, TimeSpan>();
    var gaps = new List<TimeSpan>();
    foreach (var stopping in survivors)
    {
        var fresh = await rig.StartNodeAsync("1.1.0", null, null, null, nodeSettings);
        await fresh.WaitReadyAsync();
        var movingOff = NodeLogs.MomentsById([stopping]).Count(m => m.Value[^1].Connected);
        var cpuBeforeStop = cpu.Read();
        var stoppedAt = DateTime.UtcNow;
        await stopping.Process.TerminateAsync();
        Report($"node {stopping.Index} stopped gracefully in {(DateTime.UtcNow - stoppedAt).TotalSeconds:F1} s");

        // Every session that was on the stopped node connects again before the next step (or the run says how many did not).
        var waitUntil = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var stoppedAtClock = TimeOnly.FromDateTime(stoppedAt.ToLocalTime());
        int pending;
        do
        {
            await Task.Delay(2000);
            var now = NodeLogs.MomentsById(rig.Nodes);
            pending = ids.Values.Count(id => now.TryGetValue(id, out var list) && list[^1] is { Connected: false } last && last.Time >= stoppedAtClock.Add(TimeSpan.FromSeconds(-1)));
        }
        while (pending > 0 && DateTime.UtcNow < waitUntil);
        Report($"after node {stopping.Index}: {pending} handed-off sessions not connected again; {CpuMeter.Describe(cpuBeforeStop, cpu.Read(), movingOff)}");
    }

    var handoffs = new List<(string Id, SessionMoment HandOff, SessionMoment Next)>();
    var allMoments = NodeLogs.MomentsById(rig.Nodes);
    foreach (var id in ids.Values)
    {
        var moments = allMoments[id];
        foreach (var handOff in moments.Where(m => !m.Connected))
        {
            if (moments.FirstOrDefault(m => m.Connected && m.Time >= handOff.Time) is { } next)
            {
                var gap = next.Time - handOff.Time;
                gaps.Add(gap);
                handoffs.Add((id, handOff, next));
                var shard = SessionRegion.ShardIdOf(new SessionId(id));
                gapsByShard[shard] = gapsByShard.TryGetValue(shard, out var worst) && worst > gap ? worst : gap;
            }
        }
    }

    // Where the time of a typical and of the slowest handoff goes: the new node's lines for that session and its shard.
    var ordered = handoffs.OrderBy(h => h.Next.Time - h.HandOff.Time).ToList();
    foreach (var (label, (id, handOff, next)) in ordered.Count == 0 ? [] : new[] { ("median", ordered[ordered.Count / 2]), ("slowest", ordered[^1]) })
    {
        var shard = $"shard-session-{SessionRegion.ShardIdOf(new SessionId(id))} ";
        var from = handOff.Time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        Report($"{label} handoff: {id} handed off at {from} on node {handOff.Node.Index}, connected {(next.Time - handOff.Time).TotalSeconds:F2} s later on node {next.Node.Index}:");
        foreach (var line in next.Node.Process.Output.Split('\n').Where(l => (l.Contains(id, StringComparison.Ordinal) || l.Contains(shard, StringComparison.Ordinal)) && string.CompareOrdinal(l, 1, from, 0, 12) >= 0).Take(16))
        {
            Console.WriteLine("    " + line);
        }
    }

    if (Environment.GetEnvironmentVariable("SC_BENCH_LOGS") is { Length: > 0 } logs)
    {
        foreach (var node in rig.Nodes)
        {
            await File.WriteAllTextAsync(Path.Combine(logs, $"node{node.Index}.log"), node.Process.Output);
        }
    }

    Report($"rolling restart: {gaps.Count} session handoffs, gap per session {Distribution(gaps)}; per shard (its slowest session, {gapsByShard.Count} shards) {Distribution(gapsByShard.Values)}");
}
finally
{
    await postgres.DisposeAsync();
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static void Report(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

static string Distribution(IEnumerable<TimeSpan> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    if (sorted.Count == 0)
    {
        return "(none)";
    }

    TimeSpan At(double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"n={sorted.Count} min {sorted[0].TotalSeconds:F2} s, median {At(0.5).TotalSeconds:F2} s, p90 {At(0.9).TotalSeconds:F2} s, p99 {At(0.99).TotalSeconds:F2} s, max {sorted[^1].TotalSeconds:F2} s");
}

static double RssMegabytes(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}
