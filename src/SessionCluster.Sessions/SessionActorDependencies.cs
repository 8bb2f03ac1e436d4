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
/// before it connects again after losing its connection (<see cref="Reconnect"/>).
/// </summary>
public sealed record SessionActorDependencies(SecretBox Secrets, RandomNumberGenerator Random, TimeProvider Clock, ILoggerFactory Loggers)
{
    public SessionServerSettings Server { get; init; } = SessionServerSettings.Production;

    public QrSettings Qr { get; init; } = QrSettings.Default;

    public CodePairingSettings CodePairing { get; init; } = CodePairingSettings.Default;

    public ReconnectSettings Reconnect { get; init; } = new();

    /// <summary>How the session keeps its contact devices' ratchet actors (idle time, how many live at once).</summary>
    public MessagingSettings Messaging { get; init; } = new();
}
