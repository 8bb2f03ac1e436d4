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

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        SessionCommandRoute.MapPost<CheckRequest>(v1, "/sessions/{id}/contacts:check", deps,
            (entry, body, _) => body.Phones is { Count: > 0 and <= CheckContacts.MaxPhones } phones
                ? SessionCommandRoute.Built.Ask(new CheckContacts(entry.ActorId, phones))
                : SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest($"phones must list 1 to {CheckContacts.MaxPhones} phone numbers")),
            reply => reply is ContactsChecked checkedContacts ? Results.Ok(new CheckResponse(checkedContacts.Contacts)) : null);
}
