using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Media;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// <c>GET /v1/sessions/{id}/messages/{messageId}/media</c>: the file of a received media message (image, video, audio,
/// voice note, document, sticker), downloaded from WhatsApp's media hosts as the session, decrypted and checked, then
/// streamed with the message's type, its length and <c>Content-Disposition: attachment</c> (with a document's file
/// name). Nothing is cached: each request downloads again. When the hosts no longer have the file, the session asks the
/// sender's phone to upload it again (media retry, docs/PROTOCOL.md §12) and the file comes from the new path. Errors
/// are problems: 404 <c>media_not_found</c> (no such received message, or it carries no file), 410 <c>media_gone</c>
/// (the hosts no longer have it and the sender did not upload it again), 502 <c>media_download_failed</c> (also a media
/// retry whose answer failed or did not open), 502
/// <c>media_integrity</c> (it failed its hash or MAC check: tampered or corrupted), 502 <c>media_download_failed</c>,
/// 409 <c>session_not_connected</c> (the session cannot name a media host).
/// </summary>
internal static class MediaDownloadRoutes
{
    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapGet("/sessions/{id}/messages/{messageId}/media", (string id, string messageId, HttpContext http, CancellationToken ct) => GetAsync(id, messageId, http, deps, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status502BadGateway);

    private static async Task<IResult> GetAsync(string rawId, string messageId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (file, refused) = await OpenAsync(entry, messageId, deps, ct).ConfigureAwait(false);
        return file is not null ? new MediaFileResult(file) : refused!;
    }

    /// <summary>
    /// The received file of <paramref name="messageId"/>, downloaded, decrypted and checked into a temporary file the
    /// caller streams and disposes (REST as the response body, gRPC as chunks), or the problem that says why not.
    /// </summary>
    public static async Task<(DownloadedMedia? File, IResult? Problem)> OpenAsync(SessionEntry entry, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        if (!ReceivedFiles.IsMessageId(messageId))
        {
            return (null, EdgeProblems.InvalidRequest($"the message id must be 1 to {ReceivedFiles.MaxMessageIdLength} letters or digits"));
        }

        if (await ReceivedFiles.FindAsync(entry, messageId, deps, ct).ConfigureAwait(false) is not { } received)
        {
            return (null, NotFound($"session '{entry.Id}' received no message '{messageId}'"));
        }

        if (ReceivedMedia.Find(received.Message) is not { } media)
        {
            return (null, NotFound($"message '{messageId}' carries no file (it is not an image, video, audio, document or sticker)"));
        }

        DownloadedMedia file;
        try
        {
            file = await ReceivedFiles.DownloadAsync(entry, received, media, deps, ct).ConfigureAwait(false);
        }
        catch (MediaDownloadException e)
        {
            MediaDownloadLog.Failure(deps.Media!.DownloadLogger, entry.Id, messageId, e);
            return (null, Problem(e));
        }

        MediaDownloadLog.Downloaded(deps.Media!.DownloadLogger, entry.Id, messageId, file.Length, media.MimeType);
        return (file, null);
    }

    private static IResult NotFound(string detail) => EdgeProblems.NotFound(ProblemCodes.MediaNotFound, "Media not found", detail);

    /// <summary>A failed download as its problem (docs/API.md "Downloading received files").</summary>
    public static IResult Problem(MediaDownloadException e) => e.Failure switch
    {
        MediaDownloadFailure.NoMedia => NotFound(e.Message),
        MediaDownloadFailure.NotFound => EdgeProblems.Problem(StatusCodes.Status410Gone, ProblemCodes.MediaGone, "Media gone",
            "WhatsApp's media hosts no longer have this file (they keep files for a limited time)"),
        MediaDownloadFailure.Integrity => EdgeProblems.Problem(StatusCodes.Status502BadGateway, ProblemCodes.MediaIntegrity, "Media integrity",
            "the downloaded file failed its integrity check (tampered or corrupted); nothing of it is served"),
        MediaDownloadFailure.NoHosts => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected",
            e.Message + "; files are downloaded while the session is connected"),
        MediaDownloadFailure.RetryRefused => EdgeProblems.Problem(StatusCodes.Status410Gone, ProblemCodes.MediaGone, "Media gone",
            "WhatsApp's media hosts no longer have this file and the sender's phone did not upload it again when asked (media retry): " + e.Message),
        MediaDownloadFailure.HostsFailed or MediaDownloadFailure.TooLarge or MediaDownloadFailure.RetryFailed => EdgeProblems.Problem(StatusCodes.Status502BadGateway, ProblemCodes.MediaDownloadFailed,
            "Media download failed", e.Message),
        var other => throw new InvalidOperationException($"No problem is mapped for the download failure {other}."),
    };
}
