using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Media;

/// <summary>
/// <c>POST /v1/uploads?filename=</c>: a file for later sends (<c>media.uploadId</c>), the body streamed to the tenant's
/// upload store as it arrives (its Content-Type kept as the file's type), answered <c>201 {id, size, mimeType,
/// fileName, expiresAt}</c>; <c>DELETE /v1/uploads/{uploadId}</c> removes it. Uploads belong to the tenant, not to a
/// session: any of its sessions may send one, any number of times, until it expires.
/// </summary>
internal static class UploadRoutes
{
    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/uploads", async (string? filename, HttpContext http, CancellationToken ct) =>
        {
            if (deps.Media?.Store is not { } store)
            {
                return EdgeProblems.Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.EdgeUnavailable, "Uploads unavailable", "this node keeps no uploads");
            }

            if (filename is { } name && (name.Length is 0 or > 255 || name.IndexOfAny(['/', '\\', '\0']) >= 0))
            {
                return EdgeProblems.InvalidRequest("filename must be 1 to 255 characters without slashes");
            }

            var mimeType = http.Request.ContentType is { Length: > 0 } type && type != "application/octet-stream" ? type : null;
            try
            {
                var upload = await store.PutAsync(Caller.Of(http).TenantId, http.Request.Body, mimeType, filename, ct).ConfigureAwait(false);
                return Results.Created($"/v1/uploads/{upload.Id}", upload);
            }
            catch (UploadException e)
            {
                return EdgeProblems.Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.MediaTooLarge, "Upload too large", e.Message);
            }
        }).Produces<StoredUpload>(StatusCodes.Status201Created);

        v1.MapDelete("/uploads/{uploadId}", async (string uploadId, HttpContext http, CancellationToken ct) =>
            deps.Media?.Store is { } store && await store.DeleteAsync(Caller.Of(http).TenantId, uploadId, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : EdgeProblems.NotFound(ProblemCodes.UploadNotFound, "Upload not found", $"no upload '{uploadId}'"));
    }
}
