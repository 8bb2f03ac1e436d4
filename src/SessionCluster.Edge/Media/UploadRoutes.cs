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
            var mimeType = http.Request.ContentType is { Length: > 0 } type && type != "application/octet-stream" ? type : null;
            var (upload, problem) = await PutAsync(Caller.Of(http).TenantId, http.Request.Body, mimeType, filename, deps, ct).ConfigureAwait(false);
            return upload is not null ? Results.Created($"/v1/uploads/{upload.Id}", upload) : problem!;
        }).Produces<StoredUpload>(StatusCodes.Status201Created);

        v1.MapDelete("/uploads/{uploadId}", async (string uploadId, HttpContext http, CancellationToken ct) =>
            deps.Media?.Store is { } store && await store.DeleteAsync(Caller.Of(http).TenantId, uploadId, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : EdgeProblems.NotFound(ProblemCodes.UploadNotFound, "Upload not found", $"no upload '{uploadId}'"));
    }

    /// <summary>
    /// <paramref name="content"/> into the tenant's upload store (REST's <c>POST /v1/uploads</c> and gRPC's
    /// <c>Uploads.Upload</c>): the file name checked first, the size by the store as the bytes arrive.
    /// </summary>
    public static async Task<(StoredUpload? Value, IResult? Problem)> PutAsync(
        string tenant, Stream content, string? mimeType, string? filename, EdgeDependencies deps, CancellationToken ct)
    {
        if (deps.Media?.Store is not { } store)
        {
            return (null, EdgeProblems.Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.EdgeUnavailable, "Uploads unavailable", "this node keeps no uploads"));
        }

        if (filename is { } name && (name.Length is 0 or > 255 || name.IndexOfAny(['/', '\\', '\0']) >= 0))
        {
            return (null, EdgeProblems.InvalidRequest("filename must be 1 to 255 characters without slashes"));
        }

        try
        {
            return (await store.PutAsync(tenant, content, mimeType, filename, ct).ConfigureAwait(false), null);
        }
        catch (UploadException e)
        {
            return (null, EdgeProblems.Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.MediaTooLarge, "Upload too large", e.Message));
        }
    }
}
