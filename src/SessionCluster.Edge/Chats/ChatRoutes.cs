using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Edge.Chats.ChatViews;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// The chats and messages store's routes (docs/API.md "Chats and messages"): a session's chats by last activity, a
/// chat's messages paged both ways by cursor, its contacts, and marking a chat read. Every route resolves the session
/// in the caller's tenant first (<see cref="SessionAccess"/>), then reads only that session's rows.
/// </summary>
internal static class ChatRoutes
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapGet("/sessions/{id}/chats", (string id, HttpContext http, CancellationToken ct) => ChatsAsync(id, http, deps, ct));
        v1.MapGet("/sessions/{id}/chats/{jid}/messages", (string id, string jid, HttpContext http, CancellationToken ct) => MessagesAsync(id, jid, http, deps, ct));
        // One route, two forms: with a body naming messages (MarkReadRoutes), without one every unread message of the chat.
        var readNamed = Messages.MarkReadRoutes.Handler(deps);
        v1.MapPost("/sessions/{id}/chats/{jid}:read", (string id, string jid, HttpContext http, CancellationToken ct) =>
            JsonBody.IsEmpty(http.Request) ? ReadAsync(id, jid, http, deps, ct) : readNamed(id, http, ct))
            .Accepts<Messages.MarkReadRoutes.MarkReadRequest>(isOptional: true, "application/json");
        v1.MapGet("/sessions/{id}/contacts", (string id, HttpContext http, CancellationToken ct) => ContactsAsync(id, http, deps, ct));
    }

    private static async Task<IResult> ChatsAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        if (!TryLimit(http.Request, out var limit) || !TryCursor(http.Request, "cursor", out var cursor))
        {
            return BadPaging("cursor");
        }

        var rows = await deps.Chats.ChatsAsync(entry.ActorId, cursor, limit + 1, ct).ConfigureAwait(false);
        var page = rows.Take(limit).ToList();
        return Results.Ok(new ChatPage(page.Select(Chat).ToList(), rows.Count > limit ? StoreCursors.Of(page[^1]) : null));
    }

    private static async Task<IResult> MessagesAsync(string rawId, string jid, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        if (!ChatJids.IsValid(jid))
        {
            return BadJid();
        }

        if (!TryLimit(http.Request, out var limit) || !TryCursor(http.Request, "before", out var before) || !TryCursor(http.Request, "after", out var after))
        {
            return BadPaging("before or after");
        }

        if (before is not null && after is not null)
        {
            return EdgeProblems.InvalidRequest("give before or after, not both");
        }

        var store = deps.Chats;
        var messages = await store.MessagesAsync(entry.ActorId, jid, before, after, limit, ct).ConfigureAwait(false);
        if (messages.Count == 0)
        {
            return Results.Ok(new MessagePage([], http.Request.Query["before"].FirstOrDefault(), http.Request.Query["after"].FirstOrDefault(),
                before is not null && await store.AnyBeyondAsync(entry.ActorId, jid, before, older: true, ct).ConfigureAwait(false),
                after is not null && await store.AnyBeyondAsync(entry.ActorId, jid, after, older: false, ct).ConfigureAwait(false)));
        }

        var first = new StoreCursor(messages[0].At.ToUnixTimeMilliseconds(), messages[0].Id);
        var last = new StoreCursor(messages[^1].At.ToUnixTimeMilliseconds(), messages[^1].Id);
        return Results.Ok(new MessagePage(
            messages.Select(Message).ToList(),
            StoreCursors.Of(messages[0]),
            StoreCursors.Of(messages[^1]),
            await store.AnyBeyondAsync(entry.ActorId, jid, first, older: true, ct).ConfigureAwait(false),
            await store.AnyBeyondAsync(entry.ActorId, jid, last, older: false, ct).ConfigureAwait(false)));
    }

    /// <summary>
    /// Sends read receipts for the chat's unread inbound messages (one <see cref="MarkRead"/> per sender), sets its
    /// unread count to 0, and marks the chat read in app state (<see cref="ModifyChat"/>; <c>synced</c> says whether it was). A tenant that keeps no messages has no ids to name: only the count is reset.
    /// </summary>
    private static async Task<IResult> ReadAsync(string rawId, string jid, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (read, problem) = await SessionCall.WithSessionAsync(http, rawId, deps, entry => ReadChatAsync(entry, jid, deps, ct), ct).ConfigureAwait(false);
        return read is not null ? Results.Ok(read) : problem!;
    }

    /// <summary>The bodiless <c>:read</c> on a session found (REST and gRPC's <c>Chats.MarkRead</c> without ids).</summary>
    public static async Task<(ReadView? Value, IResult? Problem)> ReadChatAsync(SessionEntry entry, string jid, EdgeDependencies deps, CancellationToken ct)
    {
        if (!ChatJids.IsValid(jid))
        {
            return (null, BadJid());
        }

        var store = deps.Chats;
        if (!await store.HasChatAsync(entry.ActorId, jid, ct).ConfigureAwait(false))
        {
            return (null, EdgeProblems.NotFound(ProblemCodes.ChatNotFound, "Chat not found", $"session '{entry.Id}' has no chat '{jid}'"));
        }

        var unread = await store.UnreadAsync(entry.ActorId, jid, ct).ConfigureAwait(false);
        foreach (var group in unread.GroupBy(m => (m.WireChat, m.Sender)))
        {
            var reply = await deps.Sessions.AskAsync(new MarkRead(entry.ActorId, group.Key.WireChat, group.Key.Sender, group.Select(m => m.Id).ToList()), ct).ConfigureAwait(false);
            if (reply is not ReadMarked)
            {
                return (null, ReplyProblems.For(reply, entry.Id));
            }
        }

        await store.MarkReadAsync(entry.ActorId, jid, ct).ConfigureAwait(false);
        // The receipts are the route's promise; the app-state mark is what the phone's chat list shows, reported, not required.
        var synced = await deps.Sessions.AskAsync(new ModifyChat(entry.ActorId, jid, SessionCluster.Sessions.ChatSetting.Read, true), ct).ConfigureAwait(false) is ChatModified;
        return (new ReadView(jid, unread.Count, synced), null);
    }

    private static async Task<IResult> ContactsAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var cursor = http.Request.Query["cursor"];
        if (!TryLimit(http.Request, out var limit) || cursor.Count > 1 || (cursor.Count == 1 && !ChatJids.IsValid(cursor.ToString())))
        {
            return BadPaging("cursor (the last jid read)");
        }

        var rows = await deps.Chats.ContactsAsync(entry.ActorId, cursor.Count == 1 ? cursor.ToString() : null, limit + 1, ct).ConfigureAwait(false);
        var page = rows.Take(limit).ToList();
        return Results.Ok(new ContactPage(page.Select(Contact).ToList(), rows.Count > limit ? page[^1].Jid : null));
    }

    private static bool TryLimit(HttpRequest request, out int limit)
    {
        var values = request.Query["limit"];
        limit = DefaultLimit;
        return values.Count == 0
            || (values.Count == 1 && int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit);
    }

    private static bool TryCursor(HttpRequest request, string name, out StoreCursor? cursor)
    {
        var values = request.Query[name];
        cursor = values.Count == 1 ? StoreCursors.Decode(values.ToString()) : null;
        return values.Count == 0 || cursor is not null;
    }

    private static IResult BadPaging(string cursor) =>
        EdgeProblems.InvalidRequest($"limit must be a whole number from 1 to {MaxLimit} (default {DefaultLimit}) and {cursor} a cursor from an earlier page, given once");

    private static IResult BadJid() => EdgeProblems.InvalidRequest("the chat must be a jid (user@s.whatsapp.net, id@lid, id@g.us), at most 128 characters");
}
