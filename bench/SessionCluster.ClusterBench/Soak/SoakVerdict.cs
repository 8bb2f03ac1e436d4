using System.Globalization;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>One criterion of the soak (docs/BENCHMARKS.md "Soak (issue 15)"): what was measured and whether it passed.</summary>
internal sealed record SoakCriterion(string Name, string Measured, bool Passed);

/// <summary>The live managed heap after a full collection, and the node's RSS just after it.</summary>
internal sealed record LiveSample(double HeapMegabytes, double RssMegabytes);

/// <summary>
/// The soak's criteria over the windows after warm-up. Start and end values are medians of the first and the last few
/// samples (up to 3, at most half of them each), so one sample taken during a GC or a burst of reconnects decides
/// nothing. "No growth" allows a small slack, because both counts move with the load at the moment of sampling: threads
/// (the thread pool adds and retires workers) may end at most 5 above where they started; handles (a restarted session
/// has its old and its new socket open for a moment) at most 2 % or 10 above, whichever is more. A p99 is steady when
/// the median p99 of the last few windows is at most 1.5 × the median p99 of all windows after warm-up: a window's p99
/// is its third-slowest message of ~300, which one stall of a shared machine moves, while drift moves every window.
/// </summary>
internal static class SoakVerdict
{
    public const double MaxRssGrowthPercent = 5;
    public const int ThreadSlack = 5;
    public const double P99SteadyFactor = 1.5;

    public static List<SoakCriterion> Judge(IReadOnlyList<SoakWindow> windows, double warmupSeconds, int sampleSeconds)
    {
        var steady = windows.Where(w => w.ElapsedSeconds >= warmupSeconds).ToList();
        if (steady.Count < 2)
        {
            return [new SoakCriterion("run long enough", $"{steady.Count} samples after warm-up (2 or more needed)", false)];
        }

        var k = Math.Clamp(steady.Count / 2, 1, 3);
        double First(Func<SoakWindow, double> of) => Median(steady.Take(k).Select(of));
        double Last(Func<SoakWindow, double> of) => Median(steady.TakeLast(k).Select(of));
        var criteria = new List<SoakCriterion>();

        var (rss0, rss1) = (First(w => w.Process.RssMegabytes), Last(w => w.Process.RssMegabytes));
        var growth = (rss1 - rss0) / rss0 * 100;
        criteria.Add(new SoakCriterion($"RSS growth < {MaxRssGrowthPercent} %",
            F($"{rss0:F0} → {rss1:F0} MB ({growth:+0.0;-0.0} %; max {steady.Max(w => w.Process.RssMegabytes):F0} MB)"), growth < MaxRssGrowthPercent));

        var (threads0, threads1) = (First(w => w.Process.Threads), Last(w => w.Process.Threads));
        criteria.Add(new SoakCriterion($"no growth in threads (end ≤ start + {ThreadSlack})",
            F($"{threads0:F0} → {threads1:F0} (max {steady.Max(w => w.Process.Threads)})"), threads1 <= threads0 + ThreadSlack));

        var (handles0, handles1) = (First(w => w.Process.Handles), Last(w => w.Process.Handles));
        var handleSlack = Math.Max(10, Math.Ceiling(handles0 * 0.02));
        criteria.Add(new SoakCriterion("no growth in handles (end ≤ start + max(10, 2 %))",
            F($"{handles0:F0} → {handles1:F0} (max {steady.Max(w => w.Process.Handles)}, slack {handleSlack:F0})"), handles1 <= handles0 + handleSlack));

        // A latency window is judged only when it lies wholly after warm-up.
        var judged = windows.Where(w => w.ElapsedSeconds - sampleSeconds >= warmupSeconds).ToList();
        foreach (var kind in Enum.GetValues<LatencyKind>())
        {
            var p99s = judged.Select(w => w.P99(kind)).Where(p => !double.IsNaN(p)).ToList();
            if (p99s.Count < 2)
            {
                criteria.Add(new SoakCriterion($"{kind} p99 steady", F($"{p99s.Count} windows with latencies after warm-up (2 or more needed)"), false));
                continue;
            }

            var lastK = Math.Clamp(p99s.Count / 2, 1, 3);
            var (median, last) = (Median(p99s), Median(p99s.TakeLast(lastK)));
            criteria.Add(new SoakCriterion($"{kind} p99 steady (last {lastK} windows' median ≤ {P99SteadyFactor} × all windows' median)",
                F($"p99 per window min {p99s.Min():F0} / median {median:F0} / max {p99s.Max():F0} ms, last {lastK}: {last:F0} ms ({p99s.Count} windows)"),
                last <= P99SteadyFactor * median));
        }

        var lost = steady.Sum(w => w.Lost.Values.Sum());
        criteria.Add(new SoakCriterion("every message seen on the event stream (none lost after warm-up)",
            F($"{lost} lost ({string.Join(", ", Enum.GetValues<LatencyKind>().Select(kind => $"{kind} {steady.Sum(w => w.Lost[kind])}"))})"), lost == 0));
        return criteria;
    }

    /// <summary>The live managed heap after a full collection at the end of the warm-up and at the end (dotnet-gcdump).</summary>
    public static SoakCriterion LiveHeap(LiveSample start, LiveSample end)
    {
        var growth = (end.HeapMegabytes - start.HeapMegabytes) / start.HeapMegabytes * 100;
        return new SoakCriterion($"live managed heap growth < {MaxRssGrowthPercent} % (after a full GC at each end; added)",
            F($"{start.HeapMegabytes:F1} → {end.HeapMegabytes:F1} MB ({growth:+0.0;-0.0} %); RSS right after: {start.RssMegabytes:F0} → {end.RssMegabytes:F0} MB"),
            growth < MaxRssGrowthPercent);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
