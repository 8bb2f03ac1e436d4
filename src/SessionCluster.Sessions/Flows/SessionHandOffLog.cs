using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>A session leaving its node for another (docs/CLUSTER.md "Handoff"). EventIds 1270–1274 of the flows' 1200–1299.</summary>
internal static partial class SessionHandOffLog
{
    [LoggerMessage(EventId = 1270, Level = LogLevel.Information, Message = "Session {SessionId}: handed off (status {Status}); its writes are durable and its socket closes now.")]
    public static partial void Stopping(ILogger logger, string sessionId, string status);

    [LoggerMessage(EventId = 1271, Level = LogLevel.Information, Message = "Session {SessionId}: its shard is handed off; it stays connected {WaitMs} ms, until its shard's turn in the node's paced handoff.")]
    public static partial void Paced(ILogger logger, string sessionId, long waitMs);
}
