using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// <c>GET /v1/sessions/{id}/messages/{messageId}</c>: one message from the chats and messages store (<see cref="ChatStore"/>):
/// an outbound message's furthest status and its history (one step per status event, a device's receipt naming the
/// device), an inbound one as <c>received</c> with no history. A message the tenant's retention removed, or one a
/// tenant that keeps no messages sent, is a 404 like one never sent.
/// </summary>
internal static class MessageStatusRoutes
{
    public sealed record StatusStep(string Status, DateTimeOffset At, string? Device, string? Reason);

    /// <param name="To">The chat an outbound message went to; null for an inbound one (its <paramref name="Chat"/> says where it came from).</param>
    public sealed record MessageStatusView(
        string Id, string? To, string Status, IReadOnlyList<StatusStep> StatusHistory, string Direction, string Chat, string Type, string? Text, string? Sender, string? SenderAlt, DateTimeOffset At,
        IReadOnlyList<ChatViews.ReactionView> Reactions, IReadOnlyList<ChatViews.VoteView>? Votes);

    /// <summary>WhatsApp message ids are short hex or base32 strings; 128 bounds what is compared, never stored.</summary>
    private const int MaxMessageIdLength = 128;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapGet("/sessions/{id}/messages/{messageId}", (string id, string messageId, HttpContext http, CancellationToken ct) => GetAsync(id, messageId, http, deps, ct));

    private static async Task<IResult> GetAsync(string rawId, string messageId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (view, problem) = await FindAsync(http, rawId, messageId, deps, ct).ConfigureAwait(false);
        return view is null ? problem! : Results.Ok(view);
    }

    /// <summary>An outbound message's status and history (REST and gRPC), or the problem to answer.</summary>
    public static async Task<(MessageStatusView? View, IResult? Problem)> FindAsync(HttpContext http, string rawId, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, problem!);
        }

        if (messageId.Length is 0 or > MaxMessageIdLength || !messageId.All(char.IsAsciiLetterOrDigit))
        {
            return (null, EdgeProblems.InvalidRequest($"the message id must be 1 to {MaxMessageIdLength} letters or digits"));
        }

        if (await deps.Chats.MessageAsync(entry.ActorId, messageId, ct).ConfigureAwait(false) is not var (message, history))
        {
            return (null, EdgeProblems.NotFound(ProblemCodes.MessageNotFound, "Message not found", $"session '{entry.Id}' has no message '{messageId}' in its store"));
        }

        var outbound = message.Direction == ChatJids.Out;
        var folded = ChatViews.Message(message);
        return (new MessageStatusView(
            message.Id, outbound ? message.Chat : null, ChatViews.StatusName(message),
            history.Select(s => new StatusStep(ChatViews.Name(s.Status), s.At, s.Device, s.Reason)).ToList(),
            message.Direction, message.Chat, message.Type, message.Text, message.Sender, message.SenderAlt, message.At,
            folded.Reactions, folded.Votes), null);
    }
}
