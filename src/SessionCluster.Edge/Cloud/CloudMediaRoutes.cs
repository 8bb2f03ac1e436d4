using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Media;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Cloud;

/// <summary>
/// Meta's two-step media retrieval for received files: <c>GET /cloud/{version}/{media-id}</c> answers
/// <c>{"messaging_product":"whatsapp","url","mime_type","sha256","file_size","id"}</c> (sha256 the plaintext's, in hex;
/// file_size as the message announced it), and a GET of <c>url</c> (<c>/cloud/media/{media-id}</c> on this node) with the
/// same bearer token streams the decrypted file. A media id is <c>{session}~{message id}</c>, the id the Cloud webhooks
/// give a received file: <c>~</c> is in no session id (<see cref="SessionIds.Rule"/>). A media id of another tenant's
/// session, of a message never received, or of one without a file is Graph's "does not exist" (100, subcode 33).
/// </summary>
internal static partial class CloudMediaRoutes
{
    /// <summary>The separator between the session and the message id in a media id.</summary>
    public const char Separator = '~';

    public sealed record MediaInfo(
        [property: JsonPropertyName("messaging_product")] string MessagingProduct,
        string Url,
        [property: JsonPropertyName("mime_type")] string MimeType,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256,
        [property: JsonPropertyName("file_size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? FileSize,
        string Id);

    /// <param name="cloud">The <c>/cloud</c> group, with its readiness wait and Cloud-shaped authentication.</param>
    public static void Map(RouteGroupBuilder cloud, EdgeDependencies deps)
    {
        // A literal first segment wins over {version}, so /cloud/media/… is never read as a version.
        cloud.MapGet("/media/{mediaId}", (string mediaId, HttpContext http, CancellationToken ct) => DownloadAsync(mediaId, http, deps, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces<CloudErrors.Envelope>(StatusCodes.Status400BadRequest);
        cloud.MapGet("/{version}/{mediaId}", (string version, string mediaId, HttpContext http, CancellationToken ct) => InfoAsync(version, mediaId, http, deps, ct))
            .Produces<MediaInfo>(StatusCodes.Status200OK)
            .Produces<CloudErrors.Envelope>(StatusCodes.Status400BadRequest);
    }

    /// <summary>The media id of a received file of a session: what the Cloud webhooks name it by.</summary>
    public static string MediaId(string session, string messageId) => session + Separator + messageId;

    private static async Task<IResult> InfoAsync(string version, string mediaId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        if (!GraphVersion().IsMatch(version))
        {
            return CloudErrors.InvalidParameter(http, $"'{version}' is not a Graph API version (v21.0, for example)");
        }

        var (_, _, media, error) = await FindAsync(mediaId, http, deps, ct).ConfigureAwait(false);
        if (media is null)
        {
            return error!;
        }

        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/cloud/media/{Uri.EscapeDataString(mediaId)}";
        return Results.Json(
            new MediaInfo("whatsapp", url, MediaFileResult.ContentType(media.MimeType), media.FileSha256 is { } sha ? Convert.ToHexStringLower(sha) : null, media.FileLength, mediaId),
            CloudJson.Options);
    }

    private static async Task<IResult> DownloadAsync(string mediaId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, received, media, error) = await FindAsync(mediaId, http, deps, ct).ConfigureAwait(false);
        if (media is null)
        {
            return error!;
        }

        var messageId = mediaId[(mediaId.IndexOf(Separator, StringComparison.Ordinal) + 1)..];
        try
        {
            var file = await ReceivedFiles.DownloadAsync(entry!, received!, media, deps, ct).ConfigureAwait(false);
            MediaDownloadLog.Downloaded(deps.Media!.DownloadLogger, entry!.Id, messageId, file.Length, media.MimeType);
            return new MediaFileResult(file);
        }
        catch (MediaDownloadException e)
        {
            MediaDownloadLog.Failure(deps.Media!.DownloadLogger, entry!.Id, messageId, e);
            return Error(http, mediaId, e);
        }
        catch (AskTimeoutException)
        {
            // The session did not name its media hosts in time; as the send route, a retryable 131016, never a 500.
            return CloudErrors.ServiceUnavailable(http, $"the session did not answer within {deps.Options.AskTimeout.TotalSeconds:0} s; ask again");
        }
    }

    /// <summary>A failed download as the Cloud error Meta gives for the same condition (131052 for a file it could not download).</summary>
    public static IResult Error(HttpContext http, string mediaId, MediaDownloadException e) => e.Failure switch
    {
        MediaDownloadFailure.NoMedia => CloudErrors.UnknownMedia(http, mediaId, e.Message),
        MediaDownloadFailure.NotFound => CloudErrors.MediaDownloadError(http, "WhatsApp's media hosts no longer have this file (they keep files for a limited time)"),
        MediaDownloadFailure.Integrity => CloudErrors.MediaDownloadError(http, "the downloaded file failed its integrity check (tampered or corrupted); nothing of it is served"),
        MediaDownloadFailure.NoHosts => CloudErrors.ServiceUnavailable(http, e.Message + "; files are downloaded while the phone number's session is connected"),
        MediaDownloadFailure.HostsFailed or MediaDownloadFailure.TooLarge or MediaDownloadFailure.RetryFailed => CloudErrors.MediaDownloadError(http, e.Message),
        MediaDownloadFailure.RetryRefused => CloudErrors.MediaDownloadError(http, "WhatsApp's media hosts no longer have this file and the sender's phone did not upload it again"),
        var other => throw new InvalidOperationException($"No Cloud error is mapped for the download failure {other}."),
    };

    /// <summary>The caller's session and the received file a media id names, or the Cloud error to answer.</summary>
    private static async Task<(SessionEntry? Entry, MessageReceivedBody? Received, MediaDescriptor? Media, IResult? Error)> FindAsync(string mediaId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        const string Details = "a media id is {phone-number-id}~{message id} of a file a phone number of your tenant received, as the webhooks name it";
        var at = mediaId.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || !SessionIds.TryParse(mediaId[..at], out _) || !ReceivedFiles.IsMessageId(mediaId[(at + 1)..]))
        {
            return (null, null, null, CloudErrors.UnknownMedia(http, mediaId, Details));
        }

        // Another tenant's session is not found here: its media ids "do not exist" for this caller.
        var entry = await deps.Directory.FindAsync(Caller.Of(http).TenantId, mediaId[..at], ct).ConfigureAwait(false);
        var received = entry is null ? null : await ReceivedFiles.FindAsync(entry, mediaId[(at + 1)..], deps, ct).ConfigureAwait(false);
        return received is not null && ReceivedMedia.Find(received.Message) is { } media
            ? (entry, received, media, null)
            : (null, null, null, CloudErrors.UnknownMedia(http, mediaId, Details));
    }

    [GeneratedRegex("^v[0-9]{1,3}\\.[0-9]{1,3}$")]
    private static partial Regex GraphVersion();
}
