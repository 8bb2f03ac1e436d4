using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Edge.Sessions.SessionCommandRoute;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Contacts;

/// <summary>
/// What REST (<see cref="ContactCheckRoutes"/>, <see cref="PresenceRoutes"/>) and gRPC (<c>sessioncluster.v1.Contacts</c>)
/// both ask of a session about other accounts: the same checks, commands and problems (docs/API.md "Contacts").
/// </summary>
internal static class ContactCalls
{
    public sealed record CheckResponse(IReadOnlyList<ContactCheck> Contacts);

    /// <summary>A profile picture: where it is (a signed CDN URL that expires) and its id (which changes with the picture).</summary>
    public sealed record PictureResponse(string Url, string? Id);

    /// <summary>What a presence subscription answers: that it was sent.</summary>
    public sealed record Subscribed(string Jid);

    private const string UserRule = "a user jid (number@s.whatsapp.net, id@lid) or a phone number in international form";

    /// <summary>Which numbers have WhatsApp: at most <see cref="CheckContacts.MaxPhones"/> (checking many fast is what gets numbers banned).</summary>
    public static Task<(CheckResponse? Value, IResult? Problem)> CheckAsync(SessionEntry entry, IReadOnlyList<string>? phones, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps,
            e => phones is { Count: > 0 and <= CheckContacts.MaxPhones }
                ? Built.Ask(new CheckContacts(e.ActorId, phones))
                : Built.Refuse(EdgeProblems.InvalidRequest($"phones must list 1 to {CheckContacts.MaxPhones} phone numbers")),
            reply => reply is ContactsChecked checkedContacts ? new CheckResponse(checkedContacts.Contacts) : null, ct);

    /// <summary>A user's or group's picture; 404 <c>picture_not_found</c> when none is visible to the account.</summary>
    public static async Task<(PictureResponse? Value, IResult? Problem)> PictureAsync(SessionEntry entry, string jid, bool preview, EdgeDependencies deps, CancellationToken ct)
    {
        if ((MessageRoutes.Recipient(jid) ?? MessageRoutes.Group(jid)) is not { } target)
        {
            return (null, EdgeProblems.InvalidRequest("the contact must be a phone number in international form, a user jid or a group jid"));
        }

        var reply = await deps.Sessions.AskAsync(new GetProfilePicture(entry.ActorId, target, preview), ct).ConfigureAwait(false);
        return reply switch
        {
            ProfilePictureReady { Url: { } url } ready => (new PictureResponse(url, ready.Id), null),
            ProfilePictureReady => (null, EdgeProblems.NotFound(ProblemCodes.PictureNotFound, "No profile picture", $"{target} has no profile picture this account may see")),
            _ => (null, ReplyProblems.For(reply, entry.Id)),
        };
    }

    /// <summary>Asks for a contact's presence, which then arrives as <c>presence.update</c> events.</summary>
    public static Task<(Subscribed? Value, IResult? Problem)> SubscribePresenceAsync(SessionEntry entry, string? jid, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps,
            e => MessageRoutes.Recipient(jid) is { } user
                ? Built.Ask(new SubscribePresence(e.ActorId, user))
                : Built.Refuse(EdgeProblems.InvalidRequest($"the contact must be {UserRule}")),
            reply => reply is PresenceSent ? new Subscribed(jid!) : null, ct);
}
