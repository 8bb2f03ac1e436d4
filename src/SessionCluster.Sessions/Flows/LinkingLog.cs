using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Log events of the session's flows (pairing, login). EventIds 1200–1299 of the Sessions range, 1240–1259 left to
/// linking by code (<see cref="CodePairingLog"/>). No message carries a QR string, a ref, key material or stanza content.
/// </summary>
internal static partial class LinkingLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Session {SessionId}: linking by QR started.")]
    public static partial void LinkStarted(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Session {SessionId}: QR {Index} of {Count} shown, expires {ExpiresAt:O}.")]
    public static partial void QrShown(ILogger logger, string sessionId, int index, int count, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Session {SessionId}: pair-success refused ({Failure}): {Detail}. Nothing is linked.")]
    public static partial void PairSuccessRefused(ILogger logger, string sessionId, LinkFailure failure, string detail);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Session {SessionId}: linked as {DeviceJid}; logging in after the server's restart.")]
    public static partial void Linked(ILogger logger, string sessionId, string deviceJid);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Session {SessionId}: connected.")]
    public static partial void Connected(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Session {SessionId}: linking ended without a link ({Failure}).")]
    public static partial void LinkFailed(ILogger logger, string sessionId, LinkFailure failure);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Session {SessionId}: connection lost ({Reason}, {Detail}); a linked session tries again in {Delay}.")]
    public static partial void ConnectionLost(ILogger logger, string sessionId, Connection.ConnectionLossReason reason, string detail, TimeSpan delay);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Session {SessionId}: a <{Tag}> stanza was not sent ({Failure}).")]
    public static partial void SendRejected(ILogger logger, string sessionId, string tag, Connection.SendFailure failure);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Information, Message = "Session {SessionId}: connecting again with the linked registration (attempt {Attempt} since the last stable connection).")]
    public static partial void Reconnecting(ILogger logger, string sessionId, int attempt);
}
