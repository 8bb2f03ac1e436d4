using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>Media retry's log lines (13xx, sending and receiving: 1390–1394). Never the media key or a path's query.</summary>
internal static partial class MediaRetryLog
{
    [LoggerMessage(EventId = 1390, Level = LogLevel.Information, Message = "Session {SessionId}: asked the sender of {MessageId} to upload its file again (media retry).")]
    public static partial void Requested(ILogger logger, string sessionId, string messageId);

    [LoggerMessage(EventId = 1391, Level = LogLevel.Information, Message = "Session {SessionId}: media retry of {MessageId}: {Outcome}.")]
    public static partial void Answered(ILogger logger, string sessionId, string messageId, string outcome);

    [LoggerMessage(EventId = 1392, Level = LogLevel.Warning, Message = "Session {SessionId}: a mediaretry notification could not be used: {Detail}")]
    public static partial void Unusable(ILogger logger, string sessionId, string detail);
}
