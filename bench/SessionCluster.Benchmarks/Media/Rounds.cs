using System.Diagnostics;
using System.Globalization;

namespace SessionCluster.Benchmarks.Media;

/// <summary>The median of timed rounds and the bytes allocated per round (all threads), after warm-up rounds that are not counted.</summary>
internal sealed record RoundResult(double MedianSeconds, double MinSeconds, double MaxSeconds, long MedianAllocatedBytes, int Rounds)
{
    /// <summary>Throughput in MB/s, MB = 10^6 bytes.</summary>
    public double MegabytesPerSecond(long bytes) => bytes / 1e6 / MedianSeconds;

    public string Ms => (MedianSeconds * 1000).ToString(MedianSeconds < 0.01 ? "N2" : "N1", CultureInfo.InvariantCulture) + " ms";
}

internal static class Rounds
{
    public static async Task<RoundResult> MeasureAsync(int warmup, int rounds, Func<Task> operation)
    {
        for (var i = 0; i < warmup; i++)
        {
            await operation();
        }

        var seconds = new double[rounds];
        var allocated = new long[rounds];
        for (var i = 0; i < rounds; i++)
        {
            // A collection between rounds, so a round does not pay for the garbage of the one before.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            await operation();
            seconds[i] = Stopwatch.GetElapsedTime(started).TotalSeconds;
            allocated[i] = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        Array.Sort(seconds);
        Array.Sort(allocated);
        return new RoundResult(Median(seconds), seconds[0], seconds[^1], allocated[rounds / 2], rounds);
    }

    public static RoundResult Measure(int warmup, int rounds, Action operation) =>
        MeasureAsync(warmup, rounds, () =>
        {
            operation();
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
