using System.Net;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Media;

/// <summary>
/// The media-by-link logs, EventIds 7600–7699 (the edge's next free block after streams' 7500s). They show a URL as
/// scheme://host/path only, never its query (it may carry a token), and never the file's bytes.
/// </summary>
internal static partial class MediaLog
{
    [LoggerMessage(EventId = 7600, Level = LogLevel.Debug, Message = "Media by link from {Url}: {Bytes} bytes of {ContentType} after {Redirects} redirect(s) in {ElapsedMs} ms")]
    public static partial void Fetched(ILogger logger, string url, long bytes, string? contentType, int redirects, long elapsedMs);

    // Warning, not Information: a caller pointing the node at its own network is worth an operator's look.
    [LoggerMessage(EventId = 7601, Level = LogLevel.Warning, Message = "Media by link refused: {Url} leads to the non-public address {Address}")]
    public static partial void RefusedPrivate(ILogger logger, string url, IPAddress? address);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Information, Message = "Media by link from {Url} failed ({Failure}): {Reason}")]
    public static partial void Failed(ILogger logger, string url, MediaFetchFailure failure, string reason);
}
