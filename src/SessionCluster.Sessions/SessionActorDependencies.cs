using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions;

/// <summary>
/// What every SessionActor is given by the node: the secrets box (no box, no sessions: there is no plaintext
/// fallback), the random source for keys, the clock, and the loggers; where it connects (<see cref="Server"/>, default
/// WhatsApp's production server), how long it shows each QR ref (<see cref="Qr"/>) and a pairing code (<see cref="CodePairing"/>), and how long a linked session waits
/// before it connects again after losing its connection (<see cref="Reconnect"/>), and how fast the node's sessions may
/// start connections by themselves (<see cref="ConnectionStarts"/>).
/// </summary>
public sealed record SessionActorDependencies(SecretBox Secrets, RandomNumberGenerator Random, TimeProvider Clock, ILoggerFactory Loggers)
{
    public SessionServerSettings Server { get; init; } = SessionServerSettings.Production;

    public QrSettings Qr { get; init; } = QrSettings.Default;

    public CodePairingSettings CodePairing { get; init; } = CodePairingSettings.Default;

    public ReconnectSettings Reconnect { get; init; } = new();

    /// <summary>
    /// The node's reconnect-rate cap, one instance shared by every session of the node: each connection a session starts
    /// by itself (after recovery, after a loss) takes a start from it first. Default <see cref="ConnectionStartLimiter.Unlimited"/>.
    /// </summary>
    public ConnectionStartLimiter ConnectionStarts { get; init; } = ConnectionStartLimiter.Unlimited;

    /// <summary>
    /// Spreads the node's handoffs shard by shard at its share of the reconnect cap, so that each session's own gap
    /// stays short when a node with many sessions stops. Default <see cref="HandOffPacer.None"/>: every session stops at once.
    /// </summary>
    public HandOffPacer HandOffs { get; init; } = HandOffPacer.None;

    /// <summary>
    /// Default none (one node, nothing to fence). In a cluster on PostgreSQL: registers the session with the write
    /// fence (its shard's lease) before its first write of each start, so that PostgreSQL refuses any write of the
    /// session, its keys and its ratchets from a node that does not hold that lease (docs/CLUSTER.md "Leases and
    /// write fencing"). The session stashes commands until it is done; a failure stops it, and its shard starts it again.
    /// </summary>
    public Func<SessionId, CancellationToken, Task>? WriteFence { get; init; }

    /// <summary>
    /// What the node's sessions found sealed under a previous node key and have not moved yet (rotation; the node's one
    /// instance, read by <c>GET /v1/admin/secrets</c>). Default: a fresh one nobody reads.
    /// </summary>
    public StaleSeals StaleSeals { get; init; } = new();

    /// <summary>How the session keeps its contact devices' ratchet actors (idle time, how many live at once).</summary>
    public MessagingSettings Messaging { get; init; } = new();

    /// <summary>Where the session announces each domain event once durable (the node's one feed; default: a feed nobody hears).</summary>
    public SessionEventFeed Events { get; init; } = new();

    /// <summary>
    /// Downloads the history-sync blobs the own phone uploads (docs/PROTOCOL.md §15) and the app-state snapshots and
    /// external mutations the server names (§14); default none: a chunk that is not inline is then logged and acknowledged
    /// without an event, and an app-state collection that needs a blob waits where it is.
    /// </summary>
    public MediaDownloader? HistoryDownloader { get; init; }

    /// <summary>Where the session counts what it does for the node's <c>/metrics</c> (docs/METRICS.md); default a meter nobody listens to.</summary>
    public Metrics.SessionMetrics Metrics { get; init; } = SessionCluster.Sessions.Metrics.SessionMetrics.Unobserved;
}
