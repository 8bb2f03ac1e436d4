using System.Globalization;
using System.Text;

namespace SessionCluster.Benchmarks.Persistence;

/// <summary>
/// The Markdown of one run: a table per engine (events/s, p50, p99 per actor count, ours ÷ each Akka.Persistence.Sql
/// configuration), recovery, and the issue-9 target on SQLite (ours ≥ 10x Akka.Persistence.Sql at 200 and 1,000
/// actors) met or missed; the other targets' figures without a ratio.
/// </summary>
internal static class PersistenceSummary
{
    private static readonly (string Engine, string Ours, string[] Peers, double Target)[] Engines =
    [
        ("SQLite", "ours-sqlite", ["akkasql-sqlite-wal", "akkasql-sqlite-wal-p1", "akkasql-sqlite-rollback"], 10),
    ];

    public static string Markdown(PersistenceReport report)
    {
        var md = new StringBuilder();
        var names = report.Targets.ToDictionary(t => t.Key, t => $"{t.Plugin}, {t.Engine}");
        md.AppendLine(Inv($"Window {report.WindowSeconds:0.#} s after a {report.WarmupSeconds:0.#} s warm-up; one write in flight per actor; 64-byte byte[] events."));
        md.AppendLine();
        foreach (var (engine, ours, peers, target) in Engines)
        {
            var rows = report.Throughput.Where(r => r.Target == ours || peers.Contains(r.Target)).ToList();
            if (!rows.Any(r => r.Target == ours))
            {
                continue;
            }

            md.AppendLine(Inv($"#### {engine}"));
            md.AppendLine();
            md.AppendLine("| actors | journal | events/s | p50 ms | p99 ms | max ms | slowest second | process CPU | machine CPU µs/event | load (1 min) | ours ÷ this |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var actors in rows.Select(r => r.Actors).Distinct())
            {
                var mine = rows.FirstOrDefault(r => r.Target == ours && r.Actors == actors);
                foreach (var row in rows.Where(r => r.Actors == actors))
                {
                    var ratio = mine is null || row == mine || row.EventsPerSecond == 0 ? "" : Inv($"**{mine.EventsPerSecond / row.EventsPerSecond:0.0}x**");
                    md.AppendLine(Inv($"| {actors:N0} | {names[row.Target]} | {row.EventsPerSecond:N0} | {row.P50Ms:0.00} | {row.P99Ms:0.00} | {row.MaxMs:0.0} | {row.SlowestSecond:N0} | {row.ProcessCpu:P0} | {row.MachineCpuMicrosPerEvent:0.0} | {row.Load} | {ratio} |"));
                }
            }

            md.AppendLine();
            foreach (var actors in new[] { 200, 1000 })
            {
                var mine = rows.FirstOrDefault(r => r.Target == ours && r.Actors == actors);
                foreach (var peer in rows.Where(r => peers.Contains(r.Target) && r.Actors == actors))
                {
                    if (mine is null || peer.EventsPerSecond == 0)
                    {
                        continue;
                    }

                    var ratio = mine.EventsPerSecond / peer.EventsPerSecond;
                    var verdict = ratio >= target
                        ? "met"
                        : Inv($"missed ({ratio / target:P0} of the target ratio; ours would need {target / ratio - 1:P0} more events/s)");
                    md.AppendLine(Inv($"- {actors:N0} actors vs {names[peer.Target]}: {ratio:0.0}x, target ≥ {target:0}x: {verdict}"));
                }
            }

            md.AppendLine();
        }

        // Targets with no plugin of ours beside them: Akka.Persistence.Sql on PostgreSQL (the node's journal there since
        // ours was removed) and Akka's in-memory journal (the ceiling of Akka's own machinery).
        var compared = Engines.SelectMany(e => e.Peers.Append(e.Ours)).ToHashSet();
        var alone = report.Throughput.Where(r => !compared.Contains(r.Target)).ToList();
        if (alone.Count > 0)
        {
            md.AppendLine("#### Without a plugin of ours beside them");
            md.AppendLine();
            md.AppendLine("| actors | journal | events/s | p50 ms | p99 ms | max ms | slowest second | process CPU | machine CPU µs/event | load (1 min) |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in alone)
            {
                md.AppendLine(Inv($"| {row.Actors:N0} | {names[row.Target]} | {row.EventsPerSecond:N0} | {row.P50Ms:0.00} | {row.P99Ms:0.00} | {row.MaxMs:0.0} | {row.SlowestSecond:N0} | {row.ProcessCpu:P0} | {row.MachineCpuMicrosPerEvent:0.0} | {row.Load} |"));
            }

            md.AppendLine();
        }

        if (report.Recovery.Count > 0)
        {
            md.AppendLine("#### Recovery of one actor");
            md.AppendLine();
            md.AppendLine("| journal | events | written through Akka (PersistAll of 1,000) | recovery runs (spawn to RecoveryCompleted) | best events/s |");
            md.AppendLine("|---|---:|---:|---|---:|");
            foreach (var r in report.Recovery)
            {
                var runs = string.Join("; ", r.Runs.Select(x => Inv($"{x.Seconds:0.00} s = {x.EventsPerSecond:N0}/s")));
                var best = r.Runs.Count == 0 ? 0 : r.Runs.Max(x => x.EventsPerSecond);
                md.AppendLine(Inv($"| {names[r.Target]} | {r.Events:N0} | {r.LoadSeconds:0.0} s = {r.LoadEventsPerSecond:N0}/s | {runs} | {best:N0} |"));
            }

            md.AppendLine();
        }

        md.AppendLine(report.Problems.Count == 0 ? "No persist failure, rejection, recovery failure or stall in this run." : "Problems:");
        foreach (var problem in report.Problems)
        {
            md.AppendLine($"- {problem}");
        }

        return md.ToString();
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
