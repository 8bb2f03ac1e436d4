using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Edge.Contacts.ContactCalls;

namespace SessionCluster.Edge.Contacts;

/// <summary>
/// <c>POST /v1/sessions/{id}/contacts:check {"phones": [...]}</c>: which numbers have WhatsApp, asked of the server
/// by the session (a usync query, what the phone app does for its address book), answered in the order asked with
/// each number as written: <c>{"contacts": [{"phone", "jid", "lid", "onWhatsApp"}]}</c>. At most
/// <see cref="SessionCluster.Sessions.SessionCommands.CheckContacts.MaxPhones"/> numbers per call.
/// <c>GET /v1/sessions/{id}/contacts/{jid}/picture[?preview=true]</c>: a profile picture's URL, 404
/// <c>picture_not_found</c> when none is visible to the account.
/// </summary>
internal static class ContactCheckRoutes
{
    public sealed record CheckRequest(IReadOnlyList<string>? Phones = null);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapGet("/sessions/{id}/contacts/{jid}/picture", async (string id, string jid, bool? preview, HttpContext http, CancellationToken ct) =>
            Ok(await SessionCall.WithSessionAsync(http, id, deps, entry => PictureAsync(entry, jid, preview == true, deps, ct), ct).ConfigureAwait(false)))
            .Produces<PictureResponse>();

        v1.MapPost("/sessions/{id}/contacts:check", async (string id, HttpContext http, CancellationToken ct) =>
            Ok(await SessionCall.WithSessionAsync(http, id, deps, async entry =>
            {
                var (body, problem) = await JsonBody.ReadAsync<CheckRequest>(http.Request, null, ct).ConfigureAwait(false);
                return problem is not null ? (null, problem) : await CheckAsync(entry, body!.Phones, deps, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false)))
            .Accepts<CheckRequest>("application/json").Produces<CheckResponse>();
    }

    private static IResult Ok<T>((T? Value, IResult? Problem) outcome)
        where T : class =>
        outcome.Value is { } value ? Results.Ok(value) : outcome.Problem ?? throw new InvalidOperationException("A contacts call answered neither a value nor a problem.");
}
