using System.Globalization;
using System.Text;

namespace SessionCluster.Host.Metrics;

/// <summary>
/// Writes metric families in Prometheus's text exposition format 0.0.4: a <c># HELP</c> and <c># TYPE</c> line per
/// family, a counter's sample named with <c>_total</c>, a histogram as cumulative <c>_bucket{le}</c> lines ending with
/// <c>+Inf</c>, then <c>_sum</c> and <c>_count</c>. Help text escapes backslash and newline; label values escape
/// backslash, double quote and newline, as the format requires.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The response's content type.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            // In 0.0.4 (unlike OpenMetrics) HELP and TYPE name a counter as its sample is named, with _total.
            var name = family.Type == MetricType.Counter && !family.Name.EndsWith("_total", StringComparison.Ordinal) ? family.Name + "_total" : family.Name;
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var sample in family.Samples)
            {
                Line(text, name, sample.Labels, null, sample.Value);
            }

            foreach (var histogram in family.Histograms)
            {
                foreach (var (bound, cumulative) in histogram.Buckets)
                {
                    Line(text, name + "_bucket", histogram.Labels, Number(bound), cumulative);
                }

                Line(text, name + "_bucket", histogram.Labels, "+Inf", histogram.Count);
                Line(text, name + "_sum", histogram.Labels, null, histogram.Sum);
                Line(text, name + "_count", histogram.Labels, null, histogram.Count);
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, Labels labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Pairs.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels.Pairs)
            {
                text.Append(first ? "" : ",").Append(key).Append("=\"").Append(EscapeLabel(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        _ => "histogram",
    };

    /// <summary>A sample value or bucket bound: Go's float syntax (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>), the shortest round-trip otherwise.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
