namespace SessionCluster.Host.Metrics;

/// <summary>The kinds of series the node exposes (Prometheus text format 0.0.4's counter, gauge and histogram).</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One series' labels, in the order the instrument gave them.</summary>
internal sealed record Labels(IReadOnlyList<KeyValuePair<string, string>> Pairs)
{
    public static Labels None { get; } = new([]);
}

/// <summary>A counter's or gauge's value for one label set.</summary>
internal sealed record MetricSample(Labels Labels, double Value);

/// <summary>A histogram for one label set: per upper bound, how many observations were at most it (cumulative), their sum and count.</summary>
internal sealed record HistogramSample(Labels Labels, IReadOnlyList<(double UpperBound, long Cumulative)> Buckets, double Sum, long Count);

/// <summary>One instrument as collected: its name (for a counter, without <c>_total</c>), kind, help text and samples.</summary>
internal sealed record MetricFamily(string Name, MetricType Type, string Help, IReadOnlyList<MetricSample> Samples, IReadOnlyList<HistogramSample> Histograms)
{
    public static MetricFamily Of(string name, MetricType type, string help, IReadOnlyList<MetricSample> samples) => new(name, type, help, samples, []);

    public static MetricFamily OfHistogram(string name, string help, IReadOnlyList<HistogramSample> histograms) => new(name, MetricType.Histogram, help, [], histograms);
}
