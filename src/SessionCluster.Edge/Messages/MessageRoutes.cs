using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// <c>POST /v1/sessions/{id}/messages</c>: a text, answered 202 only once the session has made the send durable
/// (<see cref="SendAccepted"/>). The <c>Idempotency-Key</c> header is required and goes to the session, which
/// answers a repeated key with the first send's id and sends nothing again.
/// </summary>
internal static partial class MessageRoutes
{
    public sealed record SendMessageRequest(string? To = null, string? Type = null, string? Text = null);

    public sealed record SendMessageResponse(string Id, string Status, string StatusUrl);

    /// <summary>Longer keys are refused rather than stored: 128 covers a UUID, a ULID or a client's own composite key.</summary>
    private const int MaxIdempotencyKeyLength = 128;

    /// <summary>WhatsApp's own limit for a text is 65,536 characters; the session checks the encoded size too.</summary>
    private const int MaxTextLength = 65_536;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapPost("/sessions/{id}/messages", (string id, HttpContext http, CancellationToken ct) => SendAsync(id, http, deps, ct));

    private static async Task<IResult> SendAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (accepted, problem) = await SendAsync(http, rawId, http.Request.Headers["Idempotency-Key"].ToString(),
            token => JsonBody.ReadAsync<SendMessageRequest>(http.Request, null, token), deps, ct).ConfigureAwait(false);
        return accepted is null ? problem! : Results.Accepted(accepted.StatusUrl, accepted);
    }

    /// <summary>
    /// Sends a message as the caller's session (REST and gRPC): the accepted send, or the problem to answer. The body is
    /// read only once the session and the key are checked, so a request wrong in several ways is told the first.
    /// </summary>
    public static async Task<(SendMessageResponse? Accepted, IResult? Problem)> SendAsync(
        HttpContext http, string rawId, string key, Func<CancellationToken, Task<(SendMessageRequest? Value, IResult? Problem)>> readBody, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, problem!);
        }

        if (key.Length is 0 or > MaxIdempotencyKeyLength || !key.All(c => c is > ' ' and <= '~'))
        {
            return (null, EdgeProblems.InvalidRequest($"the Idempotency-Key header is required: 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces"));
        }

        var (body, bodyProblem) = await readBody(ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return (null, bodyProblem);
        }

        if (body!.Type != "text")
        {
            return (null, EdgeProblems.InvalidRequest("type must be \"text\" (other kinds come with the content work)"));
        }

        if (string.IsNullOrEmpty(body.Text) || body.Text.Length > MaxTextLength)
        {
            return (null, EdgeProblems.InvalidRequest($"text must be 1 to {MaxTextLength} characters"));
        }

        if (Recipient(body.To) is not { } to)
        {
            return (null, EdgeProblems.InvalidRequest("to must be a phone number in international form (digits, optional +) or a user jid (number@s.whatsapp.net, id@lid)"));
        }

        if (await deps.SendRates.TryTakeAsync(entry.TenantId, ct).ConfigureAwait(false) is { } wait)
        {
            return (null, EdgeProblems.TooManyRequests(ProblemCodes.RateLimited, $"tenant '{entry.TenantId}' is over its messagesPerSecond quota; retry after the given seconds", wait));
        }

        var statusUrl = $"/v1/sessions/{entry.Id}/messages/";
        var reply = await deps.Sessions.AskAsync(Send.Text(entry.ActorId, to, body.Text, key), ct).ConfigureAwait(false);
        if (reply is not SendAccepted accepted)
        {
            return (null, ReplyProblems.For(reply, entry.Id));
        }

        // The session's events carry a send's status, not its text: the store keeps the text now (the send is durable
        // in the session already). A tenant that keeps no messages keeps no text either.
        if ((await deps.Tenants.FindAsync(entry.TenantId, ct).ConfigureAwait(false))?.RetentionDays != 0)
        {
            await deps.Chats.RecordSentTextAsync(entry.ActorId, to, accepted.MessageId, body.Text, deps.Clock.GetUtcNow(), ct).ConfigureAwait(false);
        }

        return (new SendMessageResponse(accepted.MessageId, "accepted", statusUrl + accepted.MessageId), null);
    }

    /// <summary>A user jid from a phone number (<c>+1 555 0100</c> → <c>15550100@s.whatsapp.net</c>) or a jid as given; null when neither.</summary>
    internal static string? Recipient(string? to)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            return null;
        }

        if (UserJid().IsMatch(to))
        {
            return to;
        }

        var digits = to.TrimStart('+');
        return PhoneNumber().IsMatch(digits) ? digits + "@s.whatsapp.net" : null;
    }

    [GeneratedRegex("^[0-9]{5,20}@(s\\.whatsapp\\.net|lid)$")]
    private static partial Regex UserJid();

    [GeneratedRegex("^[0-9]{7,15}$")]
    private static partial Regex PhoneNumber();
}
