using Akka.Configuration;
using SessionCluster.Host.Composition;

namespace SessionCluster.Host.Health;

/// <summary>The journal probe's settings, read from <c>sessioncluster.health.journal-probe</c> (defaults in hocon/sessioncluster.conf).</summary>
internal sealed record JournalProbeSettings(TimeSpan Timeout, TimeSpan CacheFor, int DeleteEvery)
{
    public static JournalProbeSettings From(Config config) => new(
        config.GetTimeSpan(NodeHocon.Keys.JournalProbeTimeout, null, allowInfinite: false),
        config.GetTimeSpan(NodeHocon.Keys.JournalProbeCacheFor, null, allowInfinite: false),
        config.GetInt(NodeHocon.Keys.JournalProbeDeleteEvery));
}
