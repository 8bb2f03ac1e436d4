using Microsoft.AspNetCore.Http;

namespace SessionCluster.Edge.Problems;

/// <summary>
/// Every problem+json answer (RFC 9457), each with its status and stable <see cref="ProblemCodes">code</see>. Details
/// say what to change; none carries a key, a QR or message content.
/// </summary>
internal static class EdgeProblems
{
    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, "Unauthorized", detail);

    public static IResult InvalidRequest(string detail) => Problem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Invalid request", detail);

    public static IResult SessionNotFound(string id) => Problem(StatusCodes.Status404NotFound, ProblemCodes.SessionNotFound, "Session not found", $"no session '{id}'");

    public static IResult SessionExists(string id) => Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionExists, "Session exists",
        $"a session '{id}' exists or existed (a deleted session's id is not reused: its events stay)");

    public static IResult SessionLinked(string id) => Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionLinked, "Session already linked",
        $"session '{id}' is linked to a phone; log it out to link again");

    public static IResult Timeout(string detail) => Problem(StatusCodes.Status504GatewayTimeout, ProblemCodes.Timeout, "Timeout", detail);

    public static IResult Problem(int status, string code, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
