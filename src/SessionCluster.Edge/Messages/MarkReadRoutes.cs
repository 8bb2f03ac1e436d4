using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// <c>POST /v1/sessions/{id}/chats/{jid}:read</c> <c>{"sender"?, "messageIds"}</c>: read receipts for messages received
/// in a chat (blue ticks on the sender's phone). <c>sender</c> is who sent them, as <c>message.received</c>'s
/// <c>sender</c> named it; in a one-to-one chat it is the chat itself, the default. Receipts are not queued: a session
/// that is not connected answers 409 <c>session_not_connected</c>.
/// </summary>
internal static class MarkReadRoutes
{
    public sealed record MarkReadRequest(string? Sender = null, IReadOnlyList<string>? MessageIds = null);

    /// <summary>One receipt stanza lists the ids; WhatsApp Web sends a few at a time, 100 bounds a request without limiting a real client.</summary>
    public const int MaxMessageIds = 100;

    /// <summary>Message ids are 16 to 32 hex-like characters in practice; 128 bounds them without guessing a format.</summary>
    private const int MaxMessageIdLength = 128;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapPost("/sessions/{id}/chats/{jid}:read", (string id, string jid, HttpContext http, CancellationToken ct) => MarkReadAsync(id, jid, http, deps, ct));

    private static async Task<IResult> MarkReadAsync(string rawId, string jid, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync<MarkReadRequest>(http.Request, null, ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (body!.MessageIds is not { Count: > 0 and <= MaxMessageIds } ids || ids.Any(m => string.IsNullOrEmpty(m) || m.Length > MaxMessageIdLength || !m.All(c => c is > ' ' and <= '~')))
        {
            return EdgeProblems.InvalidRequest($"messageIds must list 1 to {MaxMessageIds} message ids (printable ASCII, at most {MaxMessageIdLength} characters)");
        }

        if (MessageRoutes.Recipient(jid) is not { } chat)
        {
            return EdgeProblems.InvalidRequest("the chat must be a user jid (number@s.whatsapp.net, id@lid) or a phone number in international form");
        }

        // A device jid (number:device@s.whatsapp.net) is a valid sender too: message.received names the sending device.
        var sender = body.Sender ?? chat;
        if (sender.Length is 0 or > MaxMessageIdLength || !sender.Contains('@', StringComparison.Ordinal))
        {
            return EdgeProblems.InvalidRequest("sender must be a jid as message.received's sender names it");
        }

        return await deps.Sessions.AskAsync(new MarkRead(entry.ActorId, chat, sender, ids), ct).ConfigureAwait(false) switch
        {
            ReadMarked => Results.NoContent(),
            var other => ReplyProblems.For(other, entry.Id),
        };
    }
}
