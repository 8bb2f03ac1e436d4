namespace SessionCluster.Host.Options;

/// <summary>
/// The node's Prometheus endpoint, <c>GET /metrics</c> (docs/METRICS.md lists every series). Bound from <c>SC:Metrics</c>.
/// </summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Metrics";

    /// <summary>The most sessions <see cref="TopSessions"/> may name: each is a series per gauge.</summary>
    public const int MaxTopSessions = 100;

    /// <summary>Default <c>true</c>: <c>/metrics</c> is served on the HTTP port. <c>false</c> maps no route (404) and collects nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Default <c>false</c>: Prometheus scrapes without credentials, as it does on a pod network, and the series carry
    /// no secret (counts, ages and session actor ids). <c>true</c> asks for <c>Authorization: Bearer</c> the
    /// admin key (Prometheus's <c>authorization</c> scrape setting), for a node whose HTTP port is reachable from where
    /// session ids should not be seen.
    /// </summary>
    public bool RequireAdminKey { get; init; }

    /// <summary>
    /// Default 10. How many sessions the per-session gauges name (the stalest connected ones, the ones reconnecting
    /// most): each is one series with a <c>session</c> label, so thousands of sessions make at most this many per gauge.
    /// 0 names none (the node-wide counts stay); at most <see cref="MaxTopSessions"/>.
    /// </summary>
    public int TopSessions { get; init; } = 10;

    /// <summary>Throws <see cref="NodeConfigurationException"/> for a setting the endpoint cannot run with.</summary>
    public void Validate()
    {
        if (TopSessions is < 0 or > MaxTopSessions)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(TopSessions)}", $"{TopSessions} is not from 0 to {MaxTopSessions} (default 10).");
        }
    }
}
