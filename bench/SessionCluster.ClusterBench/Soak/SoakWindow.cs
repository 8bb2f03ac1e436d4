using System.Globalization;
using System.Text;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>One sample of the timeline: the node's process at its end, and the latencies completed since the previous one.</summary>
internal sealed record SoakWindow(
    double ElapsedSeconds,
    bool WarmingUp,
    ProcessSample Process,
    double CpuPercent,
    IReadOnlyDictionary<LatencyKind, double[]> Latencies,
    IReadOnlyDictionary<LatencyKind, int> Lost,
    int Outstanding,
    int Sent,
    int Skipped,
    int Failed)
{
    public static string CsvHeader()
    {
        var header = new StringBuilder("elapsed_s,warmup,rss_mb,rss_anon_mb,rss_file_mb,rss_shmem_mb,threads,handles,cpu_percent,sent,skipped,failed,outstanding");
        foreach (var kind in Enum.GetValues<LatencyKind>())
        {
            var k = kind.ToString().ToLowerInvariant();
            header.Append(CultureInfo.InvariantCulture, $",{k}_n,{k}_p50_ms,{k}_p99_ms,{k}_max_ms,{k}_lost");
        }

        return header.ToString();
    }

    public string CsvRow()
    {
        var row = new StringBuilder();
        row.Append(CultureInfo.InvariantCulture, $"{ElapsedSeconds:F0},{(WarmingUp ? 1 : 0)},{Process.RssMegabytes:F1},{Process.AnonMegabytes:F1},{Process.FileMegabytes:F1},{Process.SharedMegabytes:F1},{Process.Threads},{Process.Handles},{CpuPercent:F1},{Sent},{Skipped},{Failed},{Outstanding}");
        foreach (var kind in Enum.GetValues<LatencyKind>())
        {
            var sorted = Latencies[kind];
            row.Append(CultureInfo.InvariantCulture, $",{sorted.Length},{Percentile(sorted, 0.50):F1},{Percentile(sorted, 0.99):F1},{(sorted.Length == 0 ? double.NaN : sorted[^1]):F1},{Lost[kind]}");
        }

        return row.ToString();
    }

    public double P99(LatencyKind kind) => Percentile(Latencies[kind], 0.99);

    /// <summary>Nearest rank of an ascending array; NaN when empty.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
