using System.Diagnostics.Metrics;
using System.Globalization;

namespace SessionCluster.Host.Metrics;

/// <summary>
/// Listens to the instruments of the node's one <see cref="Meter"/> (that instance only, so two nodes in one process
/// never mix) and keeps what Prometheus needs: a counter's running sum and a histogram's bucket counts per label set,
/// and, at each <see cref="Collect"/>, what the observable gauges report now. A counter or histogram without labels
/// is shown at 0 from the start, so its series exists before the first event.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>A histogram's bounds when its instrument gives none (OpenTelemetry's defaults).</summary>
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly Dictionary<Instrument, InstrumentState> _states = [];
    private readonly Lock _collecting = new();

    public MetricsCollector(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter))
            {
                return;
            }

            if (InstrumentState.For(instrument) is not { } state)
            {
                return;
            }

            lock (_states)
            {
                _states[instrument] = state;
            }

            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_states)
            {
                _states.Remove(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument's series now, the observable gauges asked at this moment; ordered by name.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collecting)
        {
            List<InstrumentState> states;
            lock (_states)
            {
                states = [.. _states.Values];
            }

            foreach (var gauge in states.OfType<GaugeState>())
            {
                gauge.Begin();
            }

            _listener.RecordObservableInstruments();
            return states.Select(s => s.Snapshot()).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The label set of one measurement, in the order given, and its key for the running totals.</summary>
    private static (string Key, Labels Labels) LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return ("", Labels.None);
        }

        var pairs = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            pairs[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        return (string.Join('\u0000', pairs.Select(p => p.Key + "\u0001" + p.Value)), new Labels(pairs));
    }

    private abstract class InstrumentState(Instrument instrument)
    {
        protected string Name => instrument.Name;

        protected string Help => instrument.Description ?? instrument.Name;

        /// <summary>The state of a counter, a histogram of doubles or an observable gauge; null for a kind the node does not use (not listened to).</summary>
        public static InstrumentState? For(Instrument instrument) => instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> => new CounterState(instrument),
            Histogram<double> histogram => new HistogramState(instrument, histogram.Advice?.HistogramBucketBoundaries ?? DefaultBuckets),
            ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double> => new GaugeState(instrument),
            _ => null,
        };

        public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

        public abstract MetricFamily Snapshot();
    }

    private sealed class CounterState : InstrumentState
    {
        private readonly Dictionary<string, (Labels Labels, double Sum)> _sums = new(StringComparer.Ordinal) { [""] = (Labels.None, 0) };

        public CounterState(Instrument instrument)
            : base(instrument)
        {
        }

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var (key, labels) = LabelsOf(tags);
            lock (_sums)
            {
                _sums[key] = (labels, (_sums.TryGetValue(key, out var sum) ? sum.Sum : 0) + value);
            }
        }

        public override MetricFamily Snapshot()
        {
            lock (_sums)
            {
                // The unlabelled zero only stands in until a labelled counter has its first series.
                var samples = _sums.Where(s => s.Key.Length > 0 || _sums.Count == 1 || s.Value.Sum != 0).Select(s => new MetricSample(s.Value.Labels, s.Value.Sum)).ToList();
                return MetricFamily.Of(Name, MetricType.Counter, Help, samples);
            }
        }
    }

    private sealed class HistogramState(Instrument instrument, IReadOnlyList<double> bounds) : InstrumentState(instrument)
    {
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal) { [""] = new Series(Labels.None, new long[bounds.Count]) };

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var (key, labels) = LabelsOf(tags);
            lock (_series)
            {
                if (!_series.TryGetValue(key, out var series))
                {
                    _series[key] = series = new Series(labels, new long[bounds.Count]);
                }

                // Counted in the first bucket whose bound holds it (le: at most); above the last, only +Inf (the count) holds it.
                for (var i = 0; i < bounds.Count; i++)
                {
                    if (value <= bounds[i])
                    {
                        series.Counts[i]++;
                        break;
                    }
                }

                series.Sum += value;
                series.Count++;
            }
        }

        public override MetricFamily Snapshot()
        {
            lock (_series)
            {
                var samples = _series.Where(s => s.Key.Length > 0 || _series.Count == 1 || s.Value.Count > 0).Select(s =>
                {
                    var cumulative = 0L;
                    var buckets = bounds.Select((bound, i) => (bound, cumulative += s.Value.Counts[i])).ToList();
                    return new HistogramSample(s.Value.Labels, buckets, s.Value.Sum, s.Value.Count);
                }).ToList();
                return MetricFamily.OfHistogram(Name, Help, samples);
            }
        }

        private sealed class Series(Labels labels, long[] counts)
        {
            public Labels Labels => labels;

            public long[] Counts => counts;

            public double Sum { get; set; }

            public long Count { get; set; }
        }
    }

    private sealed class GaugeState(Instrument instrument) : InstrumentState(instrument)
    {
        private readonly List<MetricSample> _observed = [];

        /// <summary>A collection starts: the gauge reports afresh (a session that left is not shown with its old value).</summary>
        public void Begin()
        {
            lock (_observed)
            {
                _observed.Clear();
            }
        }

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var (_, labels) = LabelsOf(tags);
            lock (_observed)
            {
                _observed.Add(new MetricSample(labels, value));
            }
        }

        public override MetricFamily Snapshot()
        {
            lock (_observed)
            {
                return MetricFamily.Of(Name, MetricType.Gauge, Help, [.. _observed]);
            }
        }
    }
}
