using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>Log lines of sending and receiving (event ids 1300–1399). Ids and jids only: never content or key material.</summary>
internal static partial class MessagingLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Session {SessionId}: a <{Tag}> stanza could not be read and was refused: {Detail}")]
    public static partial void MalformedStanza(ILogger logger, string sessionId, string tag, string detail);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Session {SessionId}: message {MessageId} from {Device} did not decrypt ({Failure}); retry receipt {Count}.")]
    public static partial void Undecryptable(ILogger logger, string sessionId, string messageId, string device, string failure, int count);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Session {SessionId}: message {MessageId} from {Device} is given up after {Count} retries ({Failure}).")]
    public static partial void GivenUp(ILogger logger, string sessionId, string messageId, string device, string failure, int count);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "Session {SessionId}: message {MessageId} from {Device} stored.")]
    public static partial void Received(ILogger logger, string sessionId, string messageId, string device);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "Session {SessionId}: message {MessageId} sent to {Devices} devices.")]
    public static partial void Sent(ILogger logger, string sessionId, string messageId, int devices);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Session {SessionId}: message {MessageId} failed: {Reason}")]
    public static partial void SendFailed(ILogger logger, string sessionId, string messageId, string reason);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "Session {SessionId}: uploading {Count} one-time prekeys (the server held {OnServer}).")]
    public static partial void UploadingPreKeys(ILogger logger, string sessionId, int count, int onServer);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Warning, Message = "Session {SessionId}: the {What} iq failed: {Outcome}")]
    public static partial void IqFailed(ILogger logger, string sessionId, string what, string outcome);

    [LoggerMessage(EventId = 1308, Level = LogLevel.Information, Message = "Session {SessionId}: resending {MessageId} to {Device} on its retry receipt {Count}.")]
    public static partial void Resending(ILogger logger, string sessionId, string messageId, string device, int count);

    [LoggerMessage(EventId = 1309, Level = LogLevel.Debug, Message = "Session {SessionId}: ignored a <{Tag}> stanza (type {Type}).")]
    public static partial void Ignored(ILogger logger, string sessionId, string tag, string type);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "Session {SessionId}: {Jid} has a new identity key; its old session is archived.")]
    public static partial void IdentityChanged(ILogger logger, string sessionId, string jid);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Information, Message = "Session {SessionId}: signed prekey rotated to id {Id}; the previous one is kept for messages in flight.")]
    public static partial void SignedPreKeyRotated(ILogger logger, string sessionId, uint id);

    [LoggerMessage(EventId = 1314, Level = LogLevel.Information, Message = "Session {SessionId}: the server delivered the {Count} stanzas that waited while it was offline.")]
    public static partial void OfflineBacklogDelivered(ILogger logger, string sessionId, int count);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Error, Message = "Session {SessionId}: the ratchet of {Device} stopped with {Pending} requests pending; they fail.")]
    public static partial void RatchetStopped(ILogger logger, string sessionId, string device, int pending);
}
