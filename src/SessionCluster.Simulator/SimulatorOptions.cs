namespace SessionCluster.Simulator;

/// <summary>
/// Everything a simulator instance can be told at start-up. Every default is the value the real
/// server uses where one is known (docs/PROTOCOL.md), so tests shorten timings explicitly.
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>Kestrel listen URLs. Default: <c>http://127.0.0.1:0</c> (loopback, a free port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:0"];

    /// <summary>
    /// Serve the chat WebSocket over TLS (<c>wss://127.0.0.1:<see cref="TlsPort"/>/ws/chat</c>) with the certificate made at
    /// start-up, the one the media host serves too; <c>GET /admin/tls/certificate</c> gives it as PEM so a client pins exactly
    /// it. The plain listeners of <see cref="Urls"/> keep the admin API and refuse the chat endpoint. Default
    /// <see langword="false"/> (plain <c>ws://</c>, what every test before TLS uses).
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>The loopback port of the TLS listener when <see cref="Tls"/> is on. Default 0 (a free port).</summary>
    public int TlsPort { get; init; }

    /// <summary>A folder where accounts are kept across restarts; <see langword="null"/> (default) keeps them in memory only.</summary>
    public string? DataFolder { get; init; }

    /// <summary>How long the first pair-device ref stays valid before the server rotates it. Default 60 s (docs/PROTOCOL.md §6).</summary>
    public TimeSpan FirstRefLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long each following ref stays valid. Default 20 s (docs/PROTOCOL.md §6).</summary>
    public TimeSpan NextRefLifetime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How many refs one pair-device iq carries. Default 6 (docs/PROTOCOL.md §6).</summary>
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
