using Microsoft.AspNetCore.Http;

namespace SessionCluster.Edge.Problems;

/// <summary>
/// Every problem+json answer (RFC 9457), each with its status and stable <see cref="ProblemCodes">code</see>. Details
/// say what to change; none carries a key, a QR or message content.
/// </summary>
public static class EdgeProblems
{
    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, "Unauthorized", detail);

    public static IResult InvalidRequest(string detail) => Problem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Invalid request", detail);

    public static IResult SessionNotFound(string id) => Problem(StatusCodes.Status404NotFound, ProblemCodes.SessionNotFound, "Session not found", $"no session '{id}'");

    public static IResult SessionExists(string id) => Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionExists, "Session exists",
        $"a session '{id}' exists; delete it first to use its id for a new session");

    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Forbidden", detail);

    public static IResult NotFound(string code, string title, string detail) => Problem(StatusCodes.Status404NotFound, code, title, detail);

    public static IResult Conflict(string code, string title, string detail) => Problem(StatusCodes.Status409Conflict, code, title, detail);

    /// <summary>A quota or rate limit: 429 with <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static IResult TooManyRequests(string code, string detail, TimeSpan retryAfter) =>
        new RetryAfterResult(Problem(StatusCodes.Status429TooManyRequests, code, "Too many requests", detail), retryAfter);

    /// <summary>A 503: the node cannot serve this now; <c>Retry-After</c> says when to ask again.</summary>
    public static IResult Unavailable(string code, string detail, TimeSpan retryAfter) =>
        new RetryAfterResult(Problem(StatusCodes.Status503ServiceUnavailable, code, "Unavailable", detail), retryAfter);

    /// <summary>A problem with <c>Retry-After</c>; gRPC reads <see cref="Inner"/> and <see cref="RetryAfter"/> to answer the same.</summary>
    internal sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
    {
        public IResult Inner => inner;

        public TimeSpan RetryAfter => retryAfter;

        /// <summary>Whole seconds, at least 1: what <c>Retry-After</c> says.</summary>
        public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    public static IResult SessionLinked(string id) => Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionLinked, "Session already linked",
        $"session '{id}' is linked to a phone; log it out to link again");

    public static IResult Timeout(string detail) => Problem(StatusCodes.Status504GatewayTimeout, ProblemCodes.Timeout, "Timeout", detail);

    public static IResult Problem(int status, string code, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
