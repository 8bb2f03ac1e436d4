using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace SessionCluster.Edge.Media;

/// <summary>
/// A downloaded file as the response: its bytes streamed from the temporary file (never buffered whole), with its type,
/// length and <c>Content-Disposition: attachment</c> (a document's file name with it), and the file deleted once sent
/// or abandoned. The type comes from the sender's message: one that is not a valid media type is sent as
/// <c>application/octet-stream</c>, and <c>nosniff</c> with <c>attachment</c> keeps a browser from rendering a peer's
/// file as a page of the node's origin.
/// </summary>
internal sealed class MediaFileResult(SessionCluster.Sessions.DownloadedMedia file) : IResult
{
    private const string Binary = "application/octet-stream";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using (file.ConfigureAwait(false))
        {
            var response = httpContext.Response;
            response.ContentType = ContentType(file.Descriptor.MimeType);
            response.ContentLength = file.Length;
            response.Headers.XContentTypeOptions = "nosniff";
            var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
            if (file.Descriptor.FileName is { Length: > 0 } name)
            {
                disposition.SetHttpFileName(name);
            }

            response.Headers.ContentDisposition = disposition.ToString();
            await file.Content.CopyToAsync(response.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The message's type if it is one a header can carry, else binary.</summary>
    public static string ContentType(string mimeType) =>
        MediaTypeHeaderValue.TryParse(mimeType, out var parsed) && parsed.MediaType is { } type && type.Contains('/', StringComparison.Ordinal) ? parsed.ToString() : Binary;
}
