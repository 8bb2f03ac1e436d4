namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>How <see cref="BaileysClient"/> starts Baileys; every default is the one listed on the property.</summary>
public sealed record BaileysClientOptions
{
    /// <summary>The defaults listed on each property.</summary>
    public static BaileysClientOptions Default { get; } = new();

    /// <summary>
    /// When set, the driver asks for a pairing code for this phone number (digits only) as soon as the
    /// socket shows its first QR, and pushes a <see cref="BaileysPairingCode"/>. Default: null (QR linking).
    /// </summary>
    public string? PhoneForPairingCode { get; init; }

    /// <summary>
    /// The PEM of the only certificate the driver trusts for TLS, e.g. the simulator's from <c>GET /admin/tls/certificate</c>:
    /// Baileys' chat socket (a <c>wss://</c> URL) and its media upload and download verify against it alone, and the driver
    /// leaves NODE_TLS_REJECT_UNAUTHORIZED unset. Default: null (the driver sets NODE_TLS_REJECT_UNAUTHORIZED=0 in its own
    /// process, for the self-signed media host next to a plain <c>ws://</c> chat socket).
    /// </summary>
    public string? TrustedCertificatePem { get; init; }

    /// <summary>Baileys' browser tuple (os, browser, version); its second item becomes the companion platform. Default: Ubuntu / Chrome / 22.04.4.</summary>
    public IReadOnlyList<string>? Browser { get; init; }

    /// <summary>Whether Baileys sends presence 'available' when the connection opens. Default: false.</summary>
    public bool MarkOnlineOnConnect { get; init; }

    /// <summary>Baileys' log level, written as JSON lines to the peer's stderr: trace, debug, info, warn, error or silent. Default: warn.</summary>
    public string LogLevel { get; init; } = "warn";

    /// <summary>Baileys' connectTimeoutMs (WebSocket open, Noise handshake, each send). Default: 20 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Baileys' defaultQueryTimeoutMs, how long an iq waits for its answer. Default: 60 s.</summary>
    public TimeSpan DefaultQueryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many 515 restarts in a row (without reaching open) the driver performs before giving up with an error event. Default: 5.</summary>
    public int MaxRestarts { get; init; } = 5;

    /// <summary>
    /// Tells Baileys not to sync history (shouldSyncHistoryMessage → false). By default Baileys, on the first
    /// login after linking, buffers messages, receipts and group updates until the phone's history sync
    /// notification arrives or 20 s pass; a simulator whose phone sends none costs every fresh link those
    /// 20 s. Default: false (Baileys' own behaviour).
    /// </summary>
    public bool SkipHistorySync { get; init; }

    /// <summary>How long the WaitFor… helpers wait unless told otherwise. Default: 60 s.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a driver call (send, logout, …) waits for its answer. Default: 90 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Called for every stderr line of the driver (Baileys' log), e.g. to echo it into the test output. Default: none.</summary>
    public Action<string>? StderrLine { get; init; }
}
