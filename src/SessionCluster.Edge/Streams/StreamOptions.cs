namespace SessionCluster.Edge.Streams;

/// <summary>
/// The live event streams' settings (<c>GET /v1/events/stream</c> and <c>/v1/events/ws</c>), bound from
/// <c>SC:Edge:Streams</c>; docs/CONFIGURATION.md lists them.
/// </summary>
public sealed class StreamOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Edge:Streams";

    /// <summary>
    /// Default 15 s: how often an idle stream sends something (an SSE comment line, a WebSocket keep-alive frame) so that proxies
    /// and load balancers, which commonly drop a connection silent for 30 to 60 s (nginx's proxy_read_timeout is 60 s),
    /// keep it, and a client notices a dead connection within two intervals.
    /// </summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting the streams cannot run with.</summary>
    public void Validate()
    {
        if (Heartbeat < TimeSpan.FromMilliseconds(100) || Heartbeat > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"{Section}:{nameof(Heartbeat)} must be from 00:00:00.1 to 00:10:00 (default 00:00:15).");
        }
    }
}
