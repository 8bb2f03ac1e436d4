using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>What the session logs about history sync (never keys or message texts).</summary>
internal static partial class HistoryLog
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "Session {SessionId}: history chunk {ChunkOrder} ({SyncType}, {Progress}%) from message {MessageId}: {Events} event(s), {Mappings} LID mapping(s).")]
    public static partial void Synced(ILogger logger, string sessionId, string messageId, uint chunkOrder, string syncType, uint progress, int events, int mappings);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Session {SessionId}: history notification {MessageId} could not be read and is acknowledged without an event ({Failure}: {Detail}).")]
    public static partial void Unreadable(ILogger logger, string sessionId, string messageId, HistorySyncFailure failure, string detail);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "Session {SessionId}: a history notification {MessageId} from {Device}, not the own account, is ignored.")]
    public static partial void NotOwn(ILogger logger, string sessionId, string messageId, string device);
}
