namespace SessionCluster.Simulator;

/// <summary>
/// Everything a simulator instance can be told at start-up. Every default is the value the real
/// server uses where one is known (FACTS.md), so tests shorten timings explicitly.
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>Kestrel listen URLs. Default: <c>http://127.0.0.1:0</c> (loopback, a free port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:0"];

    /// <summary>A folder where accounts are kept across restarts; <see langword="null"/> (default) keeps them in memory only.</summary>
    public string? DataFolder { get; init; }

    /// <summary>How long the first pair-device ref stays valid before the server rotates it. Default 60 s (FACTS §6).</summary>
    public TimeSpan FirstRefLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long each following ref stays valid. Default 20 s (FACTS §6).</summary>
    public TimeSpan NextRefLifetime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How many refs one pair-device iq carries. Default 6 (FACTS §6).</summary>
    public int RefsPerPairDevice { get; init; } = 6;

    /// <summary>
    /// After its last stanza (a stream error or failure) the server waits this long for the client to close the
    /// connection before closing it itself. Clients decode frames asynchronously but see a WebSocket close at once,
    /// so closing right away would make Baileys report "connection closed" (428) instead of the stream error.
    /// Default 3 s.
    /// </summary>
    public TimeSpan CloseGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the server waits for a companion's reply to one of its iqs (pair-success → pair-device-sign). Default 30 s.</summary>
    public TimeSpan IqReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On stop, how long the host waits for its connections to finish their WebSocket close handshake before Kestrel
    /// aborts the rest. A client that is not reading never answers the close, and Kubernetes and <c>docker stop</c>
    /// follow SIGTERM with SIGKILL after 10 s by default, so this stays well under that. Default 2 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
