using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>Log lines of the ratchet actors (event ids 1400–1419). None carries key material or plaintext.</summary>
internal static partial class RatchetLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Session {SessionId}: the ratchet of {Device} could not compact its journal ({Failure}); it keeps working on the longer journal.")]
    public static partial void SnapshotFailed(ILogger logger, string sessionId, string device, string failure);
}
