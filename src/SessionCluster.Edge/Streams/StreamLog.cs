using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Streams;

/// <summary>The live streams' log events, EventIds 7500 to 7599. They name tenants and counts, never an event's content.</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 7500, Level = LogLevel.Debug, Message = "A {Kind} event stream opened for tenant {TenantId} over {Sessions} session(s) (null: all, new ones too)")]
    public static partial void Opened(ILogger logger, string kind, string tenantId, int? sessions);

    [LoggerMessage(EventId = 7501, Level = LogLevel.Debug, Message = "A {Kind} event stream of tenant {TenantId} closed after {Events} event(s): {Reason}")]
    public static partial void Closed(ILogger logger, string kind, string tenantId, long events, string reason);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Information, Message = "A WebSocket event stream of tenant {TenantId} lost its client after {Events} event(s)")]
    public static partial void WebSocketLost(ILogger logger, string tenantId, long events, Exception exception);
}
