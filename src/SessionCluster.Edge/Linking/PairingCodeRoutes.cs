using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Linking;

/// <summary>
/// <c>POST /v1/sessions/{id}/pairing-code</c> <c>{"phone"}</c>: links the session by pairing code instead of a QR. The
/// session answers once the server has accepted the request and the code is durable (<see cref="LinkCodeIssued"/>);
/// the user types it on the phone (WhatsApp → Linked devices → Link with phone number), and the link goes on as
/// session events (<c>session.status</c> connected, or <c>session.link_failed</c>).
/// </summary>
internal static class PairingCodeRoutes
{
    public sealed record PairingCodeRequest(string? Phone = null);

    public sealed record PairingCodeResponse(string Code, DateTimeOffset ExpiresAt);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapPost("/sessions/{id}/pairing-code", (string id, HttpContext http, CancellationToken ct) => PostAsync(id, http, deps, ct));

    private static async Task<IResult> PostAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync<PairingCodeRequest>(http.Request, null, ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        // The session checks the number's form (LinkRefusal.InvalidPhoneNumber); only an absent one is caught here.
        if (string.IsNullOrWhiteSpace(body!.Phone))
        {
            return EdgeProblems.InvalidRequest("phone is required: the account's number in international form, for example +15550001111");
        }

        return await deps.Sessions.AskAsync(new LinkByCode(entry.ActorId, body.Phone), ct).ConfigureAwait(false) switch
        {
            LinkCodeIssued issued => Results.Json(new PairingCodeResponse(issued.Code, issued.ExpiresAt), statusCode: StatusCodes.Status200OK),
            var other => ReplyProblems.For(other, entry.Id),
        };
    }
}
