using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge;

/// <summary>
/// Reads a request body as JSON itself rather than through minimal APIs' binding, so that malformed JSON is the
/// same 400 problem with <c>code</c> as every other bad input (the framework's own answer has no body).
/// </summary>
internal static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    /// <summary>True when the request carries no body (no length, or length 0, and not chunked).</summary>
    public static bool IsEmpty(HttpRequest request) =>
        request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"));

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer. An empty body is <paramref name="empty"/> when given, else a problem.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, T? empty, CancellationToken cancellationToken)
        where T : class
    {
        if (IsEmpty(request))
        {
            return empty is not null ? (empty, null) : (null, EdgeProblems.InvalidRequest("the request needs a JSON body"));
        }

        if (!request.HasJsonContentType())
        {
            return (null, EdgeProblems.InvalidRequest("the body must be JSON (Content-Type: application/json)"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken).ConfigureAwait(false);
            return value is null ? (null, EdgeProblems.InvalidRequest("the body must be a JSON object, not null")) : (value, null);
        }
        catch (JsonException e)
        {
            // The message names the path and position (and an unknown member), never the body's content.
            return (null, EdgeProblems.InvalidRequest($"the body is not valid JSON for this route: {e.Message}"));
        }
    }
}
