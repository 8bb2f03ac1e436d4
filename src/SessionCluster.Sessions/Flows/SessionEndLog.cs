using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Log events of a session's end by the server or by its own logout (<see cref="LossVerdict"/>, the key wipe).
/// EventIds 1220–1239 of the flows' 1200–1299. No message carries key material or stanza content.
/// </summary>
internal static partial class SessionEndLog
{
    [LoggerMessage(EventId = 1220, Level = LogLevel.Warning, Message = "Session {SessionId}: replaced by another connection of the same device ({Detail}); it stays disconnected until a Connect command.")]
    public static partial void Replaced(ILogger logger, string sessionId, string detail);

    [LoggerMessage(EventId = 1230, Level = LogLevel.Warning, Message = "Session {SessionId}: the server refused the login ({Reason}: {Detail}); it stays disconnected until a Connect command.")]
    public static partial void Halted(ILogger logger, string sessionId, DisconnectReason reason, string detail);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Warning, Message = "Session {SessionId}: logged out ({Reason}: {Detail}); its keys are wiped and it does not connect again until linked anew.")]
    public static partial void LoggedOut(ILogger logger, string sessionId, LogoutReason reason, string detail);

    [LoggerMessage(EventId = 1222, Level = LogLevel.Information, Message = "Session {SessionId}: the server asked for a restart (515); connecting again at once.")]
    public static partial void RestartNow(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1223, Level = LogLevel.Information, Message = "Session {SessionId}: the session's data key is wiped; what it sealed can no longer be opened.")]
    public static partial void KeyWiped(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1224, Level = LogLevel.Error, Message = "Session {SessionId}: deleting the session's data key failed; the key is forgotten in memory and the delete is tried again at the next start.")]
    public static partial void KeyWipeFailed(ILogger logger, string sessionId, Exception cause);

    [LoggerMessage(EventId = 1225, Level = LogLevel.Information, Message = "Session {SessionId}: logging out: remove-companion-device sent.")]
    public static partial void LogoutSent(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1226, Level = LogLevel.Warning, Message = "Session {SessionId}: the server did not confirm remove-companion-device ({Outcome}); logged out locally anyway.")]
    public static partial void LogoutUnconfirmed(ILogger logger, string sessionId, string outcome);

    [LoggerMessage(EventId = 1227, Level = LogLevel.Warning, Message = "Session {SessionId}: its registration is sealed under a data key that is no longer stored (wiped before the logout was recorded); the session is logged out.")]
    public static partial void KeyMissing(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1228, Level = LogLevel.Information, Message = "Session {SessionId}: connecting by command (status was {Status}).")]
    public static partial void ConnectCommanded(ILogger logger, string sessionId, SessionStatus status);

    [LoggerMessage(EventId = 1229, Level = LogLevel.Information, Message = "Session {SessionId}: the stored ratchet of {Device} was sealed under a wiped data key (a logout); the device starts without a session.")]
    public static partial void ShreddedRatchetDropped(ILogger logger, string sessionId, string device);
}
