using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>A session's registration with the write fence (docs/CLUSTER.md). EventIds 1275–1279 of the flows' 1200–1299.</summary>
internal static partial class SessionFenceLog
{
    [LoggerMessage(EventId = 1275, Level = LogLevel.Warning, Message = "Session {SessionId}: could not register with the write fence ({Reason}); it stops and its shard starts it again.")]
    public static partial void Refused(ILogger logger, string sessionId, string reason);
}
