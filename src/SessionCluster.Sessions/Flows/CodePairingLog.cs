using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Log events of linking by pairing code, EventIds 1240–1259 of the flows' hundred. No message carries the code, the
/// pairing ref, key material, the ADV secret or stanza content; the phone number is not logged either (it names a person).
/// </summary>
internal static partial class CodePairingLog
{
    [LoggerMessage(EventId = 1240, Level = LogLevel.Information, Message = "Session {SessionId}: linking by pairing code started.")]
    public static partial void Started(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1241, Level = LogLevel.Information, Message = "Session {SessionId}: pairing code issued, expires {ExpiresAt:O}; waiting for the phone.")]
    public static partial void CodeIssued(ILogger logger, string sessionId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1242, Level = LogLevel.Information, Message = "Session {SessionId}: the phone entered a code; companion_finish sent.")]
    public static partial void FinishSent(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1243, Level = LogLevel.Information, Message = "Session {SessionId}: companion_finish accepted; waiting for pair-success.")]
    public static partial void FinishAccepted(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1244, Level = LogLevel.Warning, Message = "Session {SessionId}: linking by pairing code failed ({Failure}): {Detail}")]
    public static partial void Failed(ILogger logger, string sessionId, LinkFailure failure, string detail);

    [LoggerMessage(EventId = 1245, Level = LogLevel.Warning, Message = "Session {SessionId}: a stanza of the code exchange was ignored: {Detail}")]
    public static partial void Ignored(ILogger logger, string sessionId, string detail);

    [LoggerMessage(EventId = 1246, Level = LogLevel.Warning, Message = "Session {SessionId}: the pairing code expired without being entered on the phone; closing the connection.")]
    public static partial void Expired(ILogger logger, string sessionId);
}
