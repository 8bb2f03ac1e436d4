using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SessionCluster.Benchmarks.Actors;

/// <summary>
/// <c>--actors-summary &lt;run folder&gt;</c>: the Markdown summary of bench/run-actor-benchmarks.sh, from the files the run
/// wrote there (BenchmarkDotNet's full JSON reports, footprint.json, persistence-*.json, machine.txt). Every figure comes
/// from those files; targets and anchors are the issue's ("Actor runtime, TestKit and event-sourced persistence").
/// </summary>
internal static class ActorSummary
{
    public const string Option = "--actors-summary";

    private const double MessagesTarget = 5_000_000;
    private const double BytesTarget = 500;
    private const double AkkaBytesPerActor = 1_100;
    private const double SqliteTarget = 50_000;
    private const double PostgresTarget = 20_000;
    private const double AkkaSqlBatched = 14_000;
    private const double ReplayTarget = 200_000;
    private const double AkkaSqlReplay = 115_000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        if (args.Length < 2 || !Directory.Exists(args[1]))
        {
            Console.Error.WriteLine($"usage: {Option} <run folder>");
            return 2;
        }

        var run = args[1];
        var md = new StringBuilder();
        var targets = new List<string>();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Actors benchmarks: {Path.GetFileName(run.TrimEnd('/'))}");
        md.AppendLine();
        md.AppendLine("```");
        md.Append(ReadOr(Path.Combine(run, "machine.txt"), "(no machine.txt)"));
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("No peer runs here: Akka.NET, Akka.Persistence.Sql and Proto.Actor cannot be installed on this machine (no internet), so");
        md.AppendLine("the comparison is to **published anchors**, not to a same-machine run: Akka.Persistence.Sql ~14,000 events/s batched and");
        md.AppendLine("~115,000 events/s replay on PostgreSQL, Akka.NET ~1,100 bytes per actor. Ratios against them are indicative only.");
        md.AppendLine();

        Messages(run, md, targets);
        Footprint(run, md, targets);
        var engines = new[] { "sqlite", "postgres" }
            .Select(e => (Engine: e, Path: Path.Combine(run, $"persistence-{e}.json")))
            .Where(e => File.Exists(e.Path))
            .Select(e => (e.Engine, Report: JsonSerializer.Deserialize<PersistenceReport>(File.ReadAllText(e.Path))!))
            .ToList();
        Persistence(engines, md, targets);
        Recovery(engines, md, targets);

        var text = new StringBuilder();
        text.Append(md.ToString().Split("\n## ")[0]);
        text.AppendLine();
        text.AppendLine("## Targets");
        text.AppendLine();
        text.AppendLine("| Figure | Measured | Target | Verdict | Anchor | Ratio vs anchor |");
        text.AppendLine("|---|---:|---|---|---:|---:|");
        foreach (var row in targets)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        text.Append("## ").Append(string.Join("\n## ", md.ToString().Split("\n## ").Skip(1)));
        Console.Write(text.ToString());
        return 0;
    }

    private static void Messages(string run, StringBuilder md, List<string> targets)
    {
        md.AppendLine("## Message throughput (BenchmarkDotNet, 1,000,000 messages per invocation)");
        md.AppendLine();
        md.AppendLine("Median of 10 iterations; time and allocation per message.");
        md.AppendLine();
        md.AppendLine("| Benchmark | Median per message | Messages/s | Allocated per message | Target | Verdict |");
        md.AppendLine("|---|---:|---:|---:|---|---|");
        var reports = Directory.Exists(Path.Combine(run, "results"))
            ? Directory.GetFiles(Path.Combine(run, "results"), "*ActorBenchmarks-report-full.json").OrderByDescending(f => f, StringComparer.Ordinal).ToArray()
            : [];
        if (reports.Length == 0)
        {
            md.AppendLine("| (no BenchmarkDotNet report found) | | | | | |");
        }

        foreach (var report in reports)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(report));
            foreach (var b in json.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                var method = b.GetProperty("Method").GetString();
                var parameters = b.GetProperty("Parameters").GetString();
                if (!b.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {method} ({parameters}) | failed | | | | |");
                    continue;
                }

                var median = stats.GetProperty("Median").GetDouble();
                var perSecond = 1e9 / median;
                var allocated = b.TryGetProperty("Memory", out var memory) ? memory.GetProperty("BytesAllocatedPerOperation").GetDouble() : double.NaN;
                var name = $"{method} ({parameters?.Replace("=", " = ", StringComparison.Ordinal)})";
                var pingPong = method == "PingPong";
                var target = pingPong ? "≥ 5,000,000 messages/s" : "reported";
                var verdict = pingPong ? Verdict(perSecond >= MessagesTarget, perSecond, MessagesTarget) : "–";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median:N1} ns | {perSecond:N0} | {allocated:N1} B | {target} | {verdict} |");
                if (pingPong)
                {
                    targets.Add($"| Ping-pong, {parameters}, messages/s | {perSecond.ToString("N0", Invariant)} | ≥ 5,000,000 | {verdict} | – (none published for this setup) | – |");
                }
            }
        }

        md.AppendLine();
    }

    private static void Footprint(string run, StringBuilder md, List<string> targets)
    {
        md.AppendLine("## Idle actors (`--actors-footprint`)");
        md.AppendLine();
        var file = Path.Combine(run, "footprint.json");
        if (!File.Exists(file))
        {
            md.AppendLine("(no footprint.json)");
            md.AppendLine();
            return;
        }

        var f = JsonSerializer.Deserialize<FootprintResult>(File.ReadAllText(file))!;
        var verdict = Verdict(f.BytesPerActor <= BytesTarget, BytesTarget, f.BytesPerActor);
        md.AppendLine("| Actors | Managed heap growth | Bytes per idle actor | Created and started in | Actors/s | GC | Target | Verdict |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {f.Actors:N0} | {(f.BytesAfter - f.BytesBefore) / 1048576.0:N1} MiB | {f.BytesPerActor:N0} | {f.CreationSeconds:N2} s | {f.ActorsPerSecond:N0} | {f.GcMode} | ≤ 500 B | {verdict} |");
        md.AppendLine();
        targets.Add($"| Bytes per idle actor (1 M actors) | {f.BytesPerActor.ToString("N0", Invariant)} B | ≤ 500 B | {verdict} | Akka.NET ~1,100 B | {(AkkaBytesPerActor / f.BytesPerActor).ToString("N1", Invariant)}x smaller |");
    }

    private static void Persistence(List<(string Engine, PersistenceReport Report)> engines, StringBuilder md, List<string> targets)
    {
        md.AppendLine("## Persist throughput (`--persistence`): W actors, each persisting one event at a time and awaiting it");
        md.AppendLine();
        md.AppendLine("Latency: from the `PersistAsync` call to its confirmation, over every event of the run.");
        md.AppendLine();
        md.AppendLine("| Engine | Writers | Events | Seconds | Events/s | p50 | p90 | p99 | p99.9 | max | Target | Verdict |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var (engine, report) in engines)
        {
            foreach (var t in report.Throughput)
            {
                var target = t.Writers == 1000 ? (engine == "sqlite" ? SqliteTarget : PostgresTarget) : double.NaN;
                var verdict = double.IsNaN(target) ? "–" : Verdict(t.EventsPerSecond >= target, t.EventsPerSecond, target);
                var targetText = double.IsNaN(target) ? "reported" : $"≥ {target.ToString("N0", Invariant)} events/s";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Name(engine)} | {t.Writers:N0} | {t.Events:N0} | {t.Seconds:N2} | {t.EventsPerSecond:N0} | {t.P50Ms:N2} ms | {t.P90Ms:N2} ms | {t.P99Ms:N2} ms | {t.P999Ms:N2} ms | {t.MaxMs:N2} ms | {targetText} | {verdict} |");
                if (t.Writers == 1000)
                {
                    var anchorNote = engine == "postgres" ? "Akka.Persistence.Sql ~14,000 events/s batched (PostgreSQL)" : "Akka.Persistence.Sql ~14,000 events/s batched (measured on PostgreSQL)";
                    targets.Add($"| Persist, 1,000 writers, {Name(engine)}, events/s (p99 {t.P99Ms.ToString("N1", Invariant)} ms) | {t.EventsPerSecond.ToString("N0", Invariant)} | ≥ {target.ToString("N0", Invariant)} | {verdict} | {anchorNote} | {(t.EventsPerSecond / AkkaSqlBatched).ToString("N1", Invariant)}x |");
                }
            }
        }

        md.AppendLine();
        foreach (var (engine, report) in engines)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {Name(engine)}: {report.Description}");
        }

        md.AppendLine();
    }

    private static void Recovery(List<(string Engine, PersistenceReport Report)> engines, StringBuilder md, List<string> targets)
    {
        md.AppendLine("## Recovery: one persistence id, no snapshot");
        md.AppendLine();
        md.AppendLine("| Engine | Events | What | Run 1 events/s | Run 2 events/s | Target | Verdict (slower run) |");
        md.AppendLine("|---|---:|---|---:|---:|---|---|");
        foreach (var (engine, report) in engines)
        {
            var r = report.Replay;
            foreach (var (what, runs) in new[] { ("raw `IJournal.ReplayAsync`", r.Raw), ("PersistentActor recovery (`RecoveryResult.Duration`)", r.Actor) })
            {
                var slower = runs.Min(x => x.EventsPerSecond);
                var verdict = Verdict(slower >= ReplayTarget, slower, ReplayTarget);
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Name(engine)} | {r.Events:N0} | {what} | {runs[0].EventsPerSecond:N0} | {(runs.Count > 1 ? runs[1].EventsPerSecond.ToString("N0", Invariant) : "–")} | ≥ 200,000 events/s | {verdict} |");
                targets.Add($"| Replay, {Name(engine)}, {what}, events/s (slower of 2) | {slower.ToString("N0", Invariant)} | ≥ 200,000 | {verdict} | Akka.Persistence.Sql ~115,000 events/s (PostgreSQL) | {(slower / AkkaSqlReplay).ToString("N1", Invariant)}x |");
            }
        }

        md.AppendLine();
        foreach (var (engine, report) in engines)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"- {Name(engine)}: loading the {report.Replay.Events:N0} events (atomic writes of 1,000, awaited one by one) took {report.Replay.LoadSeconds:N1} s ({report.Replay.Events / report.Replay.LoadSeconds:N0} events/s).");
        }

        md.AppendLine();
    }

    private static string Name(string engine) => engine == "sqlite" ? "SQLite" : "PostgreSQL";

    /// <summary>"met (1.3x)" or "missed (by 1.2x)": the ratio between the figure and its target, always the larger over the smaller.</summary>
    private static string Verdict(bool met, double better, double worse) =>
        met ? $"**met** ({(better / worse).ToString("N1", Invariant)}x)" : $"**missed** (by {(worse / better).ToString("N2", Invariant)}x)";

    private static string ReadOr(string path, string fallback) => File.Exists(path) ? File.ReadAllText(path) : fallback + "\n";
}
