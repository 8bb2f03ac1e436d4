using System.Diagnostics.Metrics;
using SessionCluster.Host.Metrics;

namespace SessionCluster.Host.Tests.Metrics;

/// <summary>
/// Instruments on a meter, through <see cref="MetricsCollector"/>, written by <see cref="PrometheusText"/>: the exact
/// lines of the text format 0.0.4 (counters with _total, cumulative histogram buckets, escaped labels and help).
/// </summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void A_histograms_buckets_are_cumulative_and_end_with_Inf_then_sum_and_count()
    {
        using var meter = new Meter("test.histogram");
        using var collector = new MetricsCollector(meter);
        var histogram = meter.CreateHistogram<double>("t_write_seconds", "s", "Write time.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 10] });
        foreach (var value in new[] { 0.25, 0.5, 0.75, 5, 50 })
        {
            histogram.Record(value);
        }

        var text = PrometheusText.Write(collector.Collect());

        Assert.Equal(
            """
            # HELP t_write_seconds Write time.
            # TYPE t_write_seconds histogram
            t_write_seconds_bucket{le="0.5"} 2
            t_write_seconds_bucket{le="1"} 3
            t_write_seconds_bucket{le="10"} 4
            t_write_seconds_bucket{le="+Inf"} 5
            t_write_seconds_sum 56.5
            t_write_seconds_count 5

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void A_counter_is_named_with_total_and_shows_0_before_its_first_event()
    {
        using var meter = new Meter("test.counter");
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<long>("t_messages", "messages", "Messages.");

        Assert.Contains("t_messages_total 0\n", PrometheusText.Write(collector.Collect()), StringComparison.Ordinal);
        counter.Add(2);
        counter.Add(3);
        var text = PrometheusText.Write(collector.Collect());

        Assert.StartsWith("# HELP t_messages_total Messages.\n# TYPE t_messages_total counter\nt_messages_total 5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_and_help_escapes_backslash_and_newline()
    {
        using var meter = new Meter("test.gauge");
        using var collector = new MetricsCollector(meter);
        meter.CreateObservableGauge("t_age_seconds", () => new Measurement<double>(1.5, new KeyValuePair<string, object?>("session", "a\\b\"c\nd")), "s", "Age\\of\nthe session.");

        var text = PrometheusText.Write(collector.Collect());

        Assert.Equal("# HELP t_age_seconds Age\\\\of\\nthe session.\n# TYPE t_age_seconds gauge\nt_age_seconds{session=\"a\\\\b\\\"c\\nd\"} 1.5\n", text);
    }

    [Fact]
    public void The_collector_reads_only_its_own_meter_so_two_nodes_in_one_process_keep_their_figures_apart()
    {
        using var mine = new Meter("test.same-name");
        using var other = new Meter("test.same-name");
        using var collector = new MetricsCollector(mine);
        mine.CreateCounter<long>("t_events", null, "Events.").Add(1);
        other.CreateCounter<long>("t_events", null, "Events.").Add(41);

        Assert.Contains("t_events_total 1\n", PrometheusText.Write(collector.Collect()), StringComparison.Ordinal);
    }
}
