using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Contacts;

/// <summary>
/// <c>POST /v1/sessions/{id}/contacts:check {"phones": [...]}</c>: which numbers have WhatsApp, asked of the server
/// by the session (a usync query, what the phone app does for its address book), answered in the order asked with
/// each number as written: <c>{"contacts": [{"phone", "jid", "lid", "onWhatsApp"}]}</c>. At most
/// <see cref="CheckContacts.MaxPhones"/> numbers per call: checking many numbers fast is what gets numbers banned.
/// </summary>
internal static class ContactCheckRoutes
{
    public sealed record CheckRequest(IReadOnlyList<string>? Phones = null);

    public sealed record CheckResponse(IReadOnlyList<ContactCheck> Contacts);

    /// <summary>A profile picture: where it is (a signed CDN URL that expires) and its id (which changes with the picture).</summary>
    public sealed record PictureResponse(string Url, string? Id);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        // GET /v1/sessions/{id}/contacts/{jid}/picture[?preview=true]: 404 picture_not_found when none is visible to the account.
        v1.MapGet("/sessions/{id}/contacts/{jid}/picture", async (string id, string jid, bool? preview, HttpContext http, CancellationToken ct) =>
        {
            var (entry, problem) = await SessionAccess.FindAsync(http, id, deps, ct).ConfigureAwait(false);
            if (entry is null)
            {
                return problem!;
            }

            if ((Messages.MessageRoutes.Recipient(jid) ?? Messages.MessageRoutes.Group(jid)) is not { } target)
            {
                return EdgeProblems.InvalidRequest("the contact must be a phone number in international form, a user jid or a group jid");
            }

            var reply = await deps.Sessions.AskAsync(new GetProfilePicture(entry.ActorId, target, preview == true), ct).ConfigureAwait(false);
            return reply switch
            {
                ProfilePictureReady { Url: { } url } ready => Results.Ok(new PictureResponse(url, ready.Id)),
                ProfilePictureReady => EdgeProblems.NotFound(ProblemCodes.PictureNotFound, "No profile picture", $"{target} has no profile picture this account may see"),
                _ => ReplyProblems.For(reply, entry.Id),
            };
        }).Produces<PictureResponse>();
        MapCheck(v1, deps);
    }

    private static void MapCheck(RouteGroupBuilder v1, EdgeDependencies deps) =>
        SessionCommandRoute.MapPost<CheckRequest>(v1, "/sessions/{id}/contacts:check", deps,
            (entry, body, _) => body.Phones is { Count: > 0 and <= CheckContacts.MaxPhones } phones
                ? SessionCommandRoute.Built.Ask(new CheckContacts(entry.ActorId, phones))
                : SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest($"phones must list 1 to {CheckContacts.MaxPhones} phone numbers")),
            reply => reply is ContactsChecked checkedContacts ? Results.Ok(new CheckResponse(checkedContacts.Contacts)) : null);
}
