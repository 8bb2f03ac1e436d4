using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Content;

namespace SessionCluster.Edge.Messages;

/// <summary>What a message action does to the message it names.</summary>
internal enum MessageAction
{
    /// <summary>Replace the text of one of the session's texts (within WhatsApp's edit window).</summary>
    Edit,

    /// <summary>Delete one of the session's messages for everyone.</summary>
    Revoke,

    /// <summary>React to a message of the chat (an empty emoji takes the reaction back).</summary>
    React,

    /// <summary>Vote on a poll the session sent or received (no options take the vote back).</summary>
    Vote,
}

/// <summary>
/// <c>POST /v1/sessions/{id}/messages/{messageId}:edit|:revoke|:react|:vote</c>: acting on a message already sent or
/// received, sent to the message's own chat as a new message with its own id (a vote also to a group's poll). Each is a send like any other
/// (<see cref="MessageRoutes.SendContentAsync"/>): <c>Idempotency-Key</c> required, <c>202</c> once durable, the
/// tenant's quota. The message is looked up in the store, else the session's events; an unknown id is
/// <c>404 message_not_found</c>.
/// </summary>
internal static class MessageActionRoutes
{
    /// <summary><c>{text}</c> for <c>:edit</c>, <c>{emoji}</c> for <c>:react</c>, <c>{options}</c> for <c>:vote</c>, nothing (or <c>{}</c>) for <c>:revoke</c>.</summary>
    public sealed record ActionBody(string? Text = null, string? Emoji = null, IReadOnlyList<string>? Options = null);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/sessions/{id}/messages/{messageId}:edit", (string id, string messageId, HttpContext http, CancellationToken ct) =>
            ActAsync(id, messageId, MessageAction.Edit, http, deps, ct)).Accepts<ActionBody>("application/json");
        v1.MapPost("/sessions/{id}/messages/{messageId}:revoke", (string id, string messageId, HttpContext http, CancellationToken ct) =>
            ActAsync(id, messageId, MessageAction.Revoke, http, deps, ct)).Accepts<ActionBody>(isOptional: true, "application/json");
        v1.MapPost("/sessions/{id}/messages/{messageId}:react", (string id, string messageId, HttpContext http, CancellationToken ct) =>
            ActAsync(id, messageId, MessageAction.React, http, deps, ct)).Accepts<ActionBody>("application/json");
        v1.MapPost("/sessions/{id}/messages/{messageId}:vote", (string id, string messageId, HttpContext http, CancellationToken ct) =>
            ActAsync(id, messageId, MessageAction.Vote, http, deps, ct)).Accepts<ActionBody>("application/json");
    }

    private static async Task<IResult> ActAsync(string rawId, string messageId, MessageAction action, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var empty = action == MessageAction.Revoke ? new ActionBody() : null;
        var (accepted, problem) = await ActAsync(http, rawId, messageId, action, http.Request.Headers["Idempotency-Key"].ToString(),
            token => JsonBody.ReadAsync(http.Request, empty, token), deps, ct).ConfigureAwait(false);
        return accepted is null ? problem! : Results.Accepted(accepted.StatusUrl, accepted);
    }

    /// <summary>Acts on <paramref name="messageId"/> as the caller's session (REST and gRPC): the accepted send, or the problem to answer.</summary>
    public static Task<(MessageRoutes.SendMessageResponse? Accepted, IResult? Problem)> ActAsync(
        HttpContext http, string rawId, string messageId, MessageAction action, string key,
        Func<CancellationToken, Task<(ActionBody? Value, IResult? Problem)>> readBody, EdgeDependencies deps, CancellationToken ct) =>
        MessageRoutes.SendContentAsync(http, rawId, key, async (entry, token) =>
        {
            var (body, bodyProblem) = await readBody(token).ConfigureAwait(false);
            if (bodyProblem is not null)
            {
                return (null, null, bodyProblem);
            }

            if (Invalid(body!, action) is { } invalid)
            {
                return (null, null, EdgeProblems.InvalidRequest(invalid));
            }

            if (messageId.Length is 0 or > MessageRoutes.MaxMessageIdLength)
            {
                return (null, null, EdgeProblems.InvalidRequest($"the message id must be 1 to {MessageRoutes.MaxMessageIdLength} characters"));
            }

            var target = await MessageLookup.FindAsync(entry, messageId, deps, token).ConfigureAwait(false);
            if (target is null)
            {
                return (null, null, EdgeProblems.NotFound(ProblemCodes.MessageNotFound, "Message not found", $"session '{entry.Id}' sent or received no message '{messageId}'"));
            }

            if (action == MessageAction.Vote)
            {
                // The session knows the poll's chat (a group too) and refuses a message that is no poll it knows.
                return (MessageRoutes.Recipient(target.Chat) ?? target.Chat, new ContentRequest.PollVote(messageId, body!.Options!), null);
            }

            if (MessageRoutes.Recipient(target.Chat) is not { } to)
            {
                return (null, null, EdgeProblems.InvalidRequest($"message '{messageId}' is in {target.Chat}; only messages of one-to-one chats can be acted on"));
            }

            ContentRequest request = action switch
            {
                MessageAction.Edit => new ContentRequest.Edit(target, body!.Text!),
                MessageAction.Revoke => new ContentRequest.Revoke(target),
                _ => new ContentRequest.Reaction(messageId, body!.Emoji!),
            };
            return (to, request, null);
        }, deps, ct);

    private static string? Invalid(ActionBody body, MessageAction action) => action switch
    {
        MessageAction.Edit when body.Emoji is not null => "an edit takes text only",
        MessageAction.Edit when string.IsNullOrEmpty(body.Text) || body.Text.Length > MessageRoutes.MaxTextLength => $"text must be 1 to {MessageRoutes.MaxTextLength} characters",
        MessageAction.Revoke when body.Text is not null || body.Emoji is not null => "a revoke takes no fields",
        MessageAction.React when body.Text is not null => "a reaction takes emoji only",
        MessageAction.React when body.Emoji is null => "emoji is required (an empty emoji takes the reaction back)",
        MessageAction.React when body.Emoji.Length > Reactions.MaxLength => $"emoji must be at most {Reactions.MaxLength} characters",
        MessageAction.Vote when body.Text is not null || body.Emoji is not null => "a vote takes options only",
        MessageAction.Vote when body.Options is null => "options is required (an empty list takes the vote back)",
        MessageAction.Vote when body.Options.Count > SharedContent.MaxPollOptions || body.Options.Any(string.IsNullOrEmpty) =>
            $"options must be at most {SharedContent.MaxPollOptions} non-empty option names",
        MessageAction.Edit or MessageAction.Revoke or MessageAction.React when body.Options is not null => "options are for a vote only",
        _ => null,
    };
}
