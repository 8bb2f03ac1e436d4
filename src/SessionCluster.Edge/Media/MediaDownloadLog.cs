using Microsoft.Extensions.Logging;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Media;

/// <summary>
/// Downloads of received files, EventIds 7650–7659 (within the media block, after the link logs' 7600s). They name the
/// session, the message and the failure; never the media key, a URL's query or the file's bytes.
/// </summary>
internal static partial class MediaDownloadLog
{
    [LoggerMessage(EventId = 7650, Level = LogLevel.Debug, Message = "Received file of message {MessageId} of session {Session} downloaded: {Bytes} bytes of {ContentType}")]
    public static partial void Downloaded(ILogger logger, string session, string messageId, long bytes, string contentType);

    // Information, not Warning: a file the hosts no longer have is routine; Integrity is worth a look and gets Warning.
    [LoggerMessage(EventId = 7651, Level = LogLevel.Information, Message = "Received file of message {MessageId} of session {Session} not downloaded ({Failure}): {Reason}")]
    public static partial void Failed(ILogger logger, string session, string messageId, MediaDownloadFailure failure, string reason);

    [LoggerMessage(EventId = 7652, Level = LogLevel.Warning, Message = "Received file of message {MessageId} of session {Session} failed its integrity check: {Reason}")]
    public static partial void Tampered(ILogger logger, string session, string messageId, string reason);

    public static void Failure(ILogger logger, string session, string messageId, MediaDownloadException e)
    {
        if (e.Failure == MediaDownloadFailure.Integrity)
        {
            Tampered(logger, session, messageId, e.Message);
        }
        else
        {
            Failed(logger, session, messageId, e.Failure, e.Message);
        }
    }
}
