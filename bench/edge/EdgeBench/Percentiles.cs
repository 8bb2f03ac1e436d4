namespace EdgeBench;

/// <summary>Nearest-rank percentiles of a sample, in the unit it was taken in.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sample, double percentile)
    {
        if (sample.Count == 0)
        {
            return double.NaN;
        }

        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Summary(IReadOnlyList<double> ms) =>
        FormattableString.Invariant($"p50 {Of(ms, 50):0.0} ms, p90 {Of(ms, 90):0.0} ms, p99 {Of(ms, 99):0.0} ms, max {Of(ms, 100):0.0} ms (n = {ms.Count})");
}
