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
        SessionCommandRoute.MapPost<PairingCodeRequest>(v1, "/sessions/{id}/pairing-code", deps,
            // The session checks the number's form (LinkRefusal.InvalidPhoneNumber); only an absent one is caught here.
            (entry, body, _) => string.IsNullOrWhiteSpace(body.Phone)
                ? SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest("phone is required: the account's number in international form, for example +15550001111"))
                : SessionCommandRoute.Built.Ask(new LinkByCode(entry.ActorId, body.Phone)),
            reply => reply is LinkCodeIssued issued ? Results.Ok(new PairingCodeResponse(issued.Code, issued.ExpiresAt)) : null);
}
