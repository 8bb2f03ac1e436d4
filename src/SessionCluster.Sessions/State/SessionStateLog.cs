using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.State;

/// <summary>
/// Log events of the session's durable state. EventIds 1500–1599: the Sessions project owns 1000–1999, and 1000–1499
/// are left to the connection work so the two never clash. No message here carries key material or plaintext.
/// </summary>
internal static partial class SessionStateLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Error,
        Message = "Session {SessionId}: its stored secrets cannot be opened ({Failure}): {Reason}. The session stays stopped (no connection, no writes) and answers status queries with this failure until the node has the key it was sealed under.")]
    public static partial void SecretsUnreadable(ILogger logger, string sessionId, SecretsFailure failure, string reason);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Session {SessionId} created (registration id {RegistrationId}, sealed under key {KeyId}).")]
    public static partial void Created(ILogger logger, string sessionId, uint registrationId, string keyId);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Session {SessionId} deleted.")]
    public static partial void Deleted(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Session {SessionId}: a write was rejected and the command not answered: {Reason}.")]
    public static partial void PersistRejected(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Session {SessionId}: its data key, sealed under a previous node key, is stored again under key {KeyId}.")]
    public static partial void DataKeyResealed(ILogger logger, string sessionId, string keyId);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning,
        Message = "Session {SessionId}: its data key is stored under the current node key, but deleting the older copy failed ({Reason}); the session opens without it.")]
    public static partial void ResealDeleteFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "Session {SessionId}: its proxy, sealed under a previous node key, is stored again under key {KeyId}.")]
    public static partial void ProxyResealed(ILogger logger, string sessionId, string keyId);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning,
        Message = "Session {SessionId} is from before per-session data keys and keeps its secrets under a previous node key; they are not moved, so keep that key or link the session again.")]
    public static partial void LegacyUnderPreviousKey(ILogger logger, string sessionId);
}
