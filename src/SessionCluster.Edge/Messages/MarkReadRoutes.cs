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

    /// <summary>A device jid is at most a 20-digit user, a device number and a server name; 128 leaves room without guessing.</summary>
    private const int MaxJidLength = 128;

    /// <summary>The route's form with a body naming the messages (the chats store's route takes the form without one).</summary>
    public static Func<string, HttpContext, CancellationToken, Task<IResult>> Handler(EdgeDependencies deps) =>
        SessionCommandRoute.Handler<MarkReadRequest>(deps, (entry, body, http) => Build(entry, http.Request.RouteValues["jid"] as string, body.Sender, body.MessageIds),
            reply => reply is ReadMarked ? Results.NoContent() : null);

    /// <summary>The receipts' command (REST and gRPC's <c>Chats.MarkRead</c> with ids), or the problem with its input.</summary>
    public static SessionCommandRoute.Built Build(SessionEntry entry, string? rawChat, string? rawSender, IReadOnlyList<string>? messageIds)
    {
        if (messageIds is not { Count: > 0 and <= MaxMessageIds } ids || ids.Any(m => string.IsNullOrEmpty(m) || m.Length > MaxMessageIdLength || !m.All(c => c is > ' ' and <= '~')))
        {
            return SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest($"messageIds must list 1 to {MaxMessageIds} message ids (printable ASCII, at most {MaxMessageIdLength} characters)"));
        }

        if (MessageRoutes.Recipient(rawChat) is not { } chat)
        {
            return SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest("the chat must be a user jid (number@s.whatsapp.net, id@lid) or a phone number in international form"));
        }

        // A device jid (number:device@s.whatsapp.net) is a valid sender too: message.received names the sending device.
        var sender = rawSender ?? chat;
        return sender.Length is 0 or > MaxJidLength || !sender.Contains('@', StringComparison.Ordinal)
            ? SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest("sender must be a jid as message.received's sender names it"))
            : SessionCommandRoute.Built.Ask(new MarkRead(entry.ActorId, chat, sender, ids));
    }
}
