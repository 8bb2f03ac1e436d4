using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary>
/// Presence: <c>POST /v1/sessions/{id}/presence {"state": "available"|"unavailable"}</c> for the account (online in
/// contacts' apps, and whether the phone gets notifications), and <c>POST /v1/sessions/{id}/chats/{jid}/presence
/// {"state": "composing"|"recording"|"paused"}</c> for what one chat sees (typing, recording audio, stopped). Not
/// queued: a session not connected answers 409 <c>session_not_connected</c>. 204 once sent.
/// <c>POST /v1/sessions/{id}/contacts/{jid}/presence:subscribe</c> asks for a contact's presence: it arrives as
/// <c>presence.update</c> events, now and on each change while the connection lasts.
/// </summary>
internal static class PresenceRoutes
{
    public sealed record PresenceRequest(string? State = null);

    private static readonly string[] AccountStates = ["available", "unavailable"];
    private static readonly string[] ChatStates = ["composing", "recording", "paused"];

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        SessionCommandRoute.MapPost<PresenceRequest>(v1, "/sessions/{id}/presence", deps,
            (entry, body, _) => Account(entry, body.State), reply => IsSent(reply) ? Results.NoContent() : null);
        SessionCommandRoute.MapPost<PresenceRequest>(v1, "/sessions/{id}/chats/{jid}/presence", deps,
            (entry, body, http) => Chat(entry, http.Request.RouteValues["jid"] as string, body.State), reply => IsSent(reply) ? Results.NoContent() : null);
        v1.MapPost("/sessions/{id}/contacts/{jid}/presence:subscribe", async (string id, string jid, HttpContext http, CancellationToken ct) =>
        {
            var (subscribed, problem) = await SessionCall.WithSessionAsync(http, id, deps, entry => Contacts.ContactCalls.SubscribePresenceAsync(entry, jid, deps, ct), ct).ConfigureAwait(false);
            return subscribed is not null ? Results.NoContent() : problem!;
        });
    }

    /// <summary>The account's presence command (REST and gRPC's <c>Sessions.SendPresence</c>), or the problem with <paramref name="state"/>.</summary>
    public static SessionCommandRoute.Built Account(SessionEntry entry, string? state) => Build(entry, state, AccountStates, chat: null);

    /// <summary>One chat's state command (REST and gRPC's <c>Chats.SendChatState</c>), or the problem with the chat or <paramref name="state"/>.</summary>
    public static SessionCommandRoute.Built Chat(SessionEntry entry, string? rawChat, string? state) =>
        MessageRoutes.Recipient(rawChat) is { } chat
            ? Build(entry, state, ChatStates, chat)
            : SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest("the chat must be a user jid (number@s.whatsapp.net, id@lid) or a phone number in international form"));

    /// <summary>Whether the session's reply to a presence command means it was sent.</summary>
    public static bool IsSent(Reply reply) => reply is PresenceSent;

    private static SessionCommandRoute.Built Build(SessionEntry entry, string? state, string[] allowed, string? chat) =>
        state is not null && allowed.Contains(state, StringComparer.Ordinal)
            ? SessionCommandRoute.Built.Ask(new SendPresence(entry.ActorId, Enum.Parse<PresenceState>(state, ignoreCase: true), chat))
            : SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest($"state must be one of {string.Join(", ", allowed)}"));
}
