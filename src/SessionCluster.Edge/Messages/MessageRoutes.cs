using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Protocol.Media;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// <c>POST /v1/sessions/{id}/messages</c>: a text, a file (image, video, audio, voice note, document, sticker; by link
/// or inline base64), a reaction, a location, contact cards or a poll, any of them (but a reaction) a reply and a
/// text or caption with mentions, answered 202 only once the session has made the send durable
/// (<see cref="SendAccepted"/>). The <c>Idempotency-Key</c> header is required and goes to the session, which answers a
/// repeated key with the first send's id and sends nothing again. A file is downloaded, encrypted and uploaded before
/// the send is accepted (<see cref="OutboundContent"/>), so a repeated key repeats that work but never the send.
/// </summary>
internal static partial class MessageRoutes
{
    public sealed record SendMessageRequest(
        string? To = null, string? Type = null, string? Text = null, MediaBody? Media = null, ReactionBody? Reaction = null,
        string? ReplyTo = null, IReadOnlyList<string>? Mentions = null, LocationBody? Location = null, JsonElement? Contact = null, PollBody? Poll = null);

    /// <summary>A file: exactly one of <paramref name="Url"/> (downloaded by the node) and <paramref name="Base64"/> (inline).</summary>
    public sealed record MediaBody(string? Url = null, string? Base64 = null, string? Mimetype = null, string? Filename = null, string? Caption = null, string? UploadId = null);

    /// <summary>A reaction to <paramref name="MessageId"/> in the recipient's chat; an empty <paramref name="Emoji"/> removes it.</summary>
    public sealed record ReactionBody(string? MessageId = null, string? Emoji = null);

    public sealed record SendMessageResponse(string Id, string Status, string StatusUrl);

    /// <summary>The <c>type</c>s a send takes, and the media kind of each file type.</summary>
    private static readonly Dictionary<string, (MediaKind Kind, bool VoiceNote)> FileTypes = new(StringComparer.Ordinal)
    {
        ["image"] = (MediaKind.Image, false),
        ["video"] = (MediaKind.Video, false),
        ["audio"] = (MediaKind.Audio, false),
        ["voice"] = (MediaKind.Audio, true),
        ["document"] = (MediaKind.Document, false),
        ["sticker"] = (MediaKind.Sticker, false),
    };

    /// <summary>Longer keys are refused rather than stored: 128 covers a UUID, a ULID or a client's own composite key.</summary>
    private const int MaxIdempotencyKeyLength = 128;

    /// <summary>WhatsApp's own limit for a text (and a caption) is 65,536 characters; the session checks the encoded size too.</summary>
    internal const int MaxTextLength = 65_536;

    /// <summary>The longest file name kept on a document (file systems take 255).</summary>
    private const int MaxFileNameLength = 255;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/sessions/{id}/messages", (string id, HttpContext http, CancellationToken ct) => SendAsync(id, http, deps, ct));
        MessageActionRoutes.Map(v1, deps);
    }

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
    public static Task<(SendMessageResponse? Accepted, IResult? Problem)> SendAsync(
        HttpContext http, string rawId, string key, Func<CancellationToken, Task<(SendMessageRequest? Value, IResult? Problem)>> readBody, EdgeDependencies deps, CancellationToken ct) =>
        SendContentAsync(http, rawId, key, async (_, token) =>
        {
            var (body, bodyProblem) = await readBody(token).ConfigureAwait(false);
            if (bodyProblem is not null)
            {
                return (null, null, bodyProblem);
            }

            var (request, invalid) = Content(body!);
            if (request is null)
            {
                return (null, null, EdgeProblems.InvalidRequest(invalid!));
            }

            return (Recipient(body!.To) ?? Group(body.To)) is { } to
                ? (to, request, null)
                : (null, null, EdgeProblems.InvalidRequest("to must be a phone number in international form (digits, optional +), a user jid (number@s.whatsapp.net, id@lid) or a group jid (id@g.us)"));
        }, deps, ct);

    /// <summary>
    /// The send path every REST and gRPC send and message action shares: the session and the key are checked first,
    /// then <paramref name="resolve"/> reads what to send and to whom (or the problem to answer), then the tenant's
    /// quota, the content's preparation (<see cref="OutboundContent"/>) and the session's durable accept.
    /// </summary>
    internal static async Task<(SendMessageResponse? Accepted, IResult? Problem)> SendContentAsync(
        HttpContext http, string rawId, string key, Func<SessionEntry, CancellationToken, Task<(string? To, ContentRequest? Request, IResult? Problem)>> resolve,
        EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, problem!);
        }

        if (KeyProblem(key) is { } keyProblem)
        {
            return (null, keyProblem);
        }

        var (to, request, refused) = await resolve(entry, ct).ConfigureAwait(false);
        if (refused is not null)
        {
            return (null, refused);
        }

        if (await deps.SendRates.TryTakeAsync(entry.TenantId, ct).ConfigureAwait(false) is { } wait)
        {
            return (null, EdgeProblems.TooManyRequests(ProblemCodes.RateLimited, $"tenant '{entry.TenantId}' is over its messagesPerSecond quota; retry after the given seconds", wait));
        }

        var statusUrl = $"/v1/sessions/{entry.Id}/messages/";
        if (request is ContentRequest.PollVote vote)
        {
            // The session seals the vote with the poll's secret; a vote is no chat message, so the store keeps no row of it,
            // only the choice beside the poll.
            var voted = await deps.Sessions.AskAsync(new VotePoll(entry.ActorId, vote.PollMessageId, vote.Options, key), ct).ConfigureAwait(false);
            if (voted is not SendAccepted { MessageId: var voteId })
            {
                return (null, ReplyProblems.For(voted, entry.Id));
            }

            if ((await deps.Tenants.FindAsync(entry.TenantId, ct).ConfigureAwait(false))?.RetentionDays != 0)
            {
                // Our choice stands beside the poll as a received vote does (the session's events carry no sent vote).
                await deps.Chats.RecordVoteAsync(entry.ActorId, to!, vote.PollMessageId, vote.Options, deps.Clock.GetUtcNow(), ct).ConfigureAwait(false);
            }

            return (new SendMessageResponse(voteId, "accepted", statusUrl + voteId), null);
        }

        PreparedContent content;
        try
        {
            content = await new OutboundContent(deps).PrepareAsync(entry, to!, request!, ct).ConfigureAwait(false);
        }
        catch (ContentException e)
        {
            return (null, ContentProblems.For(e, entry.Id));
        }

        var reply = await deps.Sessions.AskAsync(new Send(entry.ActorId, to!, content.Message, key), ct).ConfigureAwait(false);
        if (reply is not SendAccepted accepted)
        {
            return (null, ReplyProblems.For(reply, entry.Id));
        }

        await RecordAsync(entry, to!, accepted.MessageId, content, deps, ct).ConfigureAwait(false);
        return (new SendMessageResponse(accepted.MessageId, "accepted", statusUrl + accepted.MessageId), null);
    }

    /// <summary>
    /// The session's events carry a send's status, not its content: the store keeps the kind and text now (the send is
    /// durable in the session already). A tenant that keeps no messages keeps no text either.
    /// </summary>
    internal static async Task RecordAsync(SessionEntry entry, string to, string messageId, PreparedContent content, EdgeDependencies deps, CancellationToken ct)
    {
        if ((await deps.Tenants.FindAsync(entry.TenantId, ct).ConfigureAwait(false))?.RetentionDays != 0)
        {
            var now = deps.Clock.GetUtcNow();
            await deps.Chats.RecordSentAsync(entry.ActorId, to, messageId, content.StoreType, content.StoreText, now, ct).ConfigureAwait(false);
            if (content.StoreType is "edit" or "revoke" or "reaction")
            {
                // Our edit, revoke or reaction changes the stored message it acts on, as a received one does (an edit
                // travels wrapped in editedMessage, which the content view looks through).
                var acting = Events.MessageContentView.Of(content.Message, entry.Id, messageId).Content;
                await deps.Chats.FoldAsync(entry.ActorId, to, acting, Chats.ChatJids.Own, now, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Why <paramref name="key"/> is not an acceptable Idempotency-Key, or null.</summary>
    internal static IResult? KeyProblem(string key) =>
        key.Length is 0 or > MaxIdempotencyKeyLength || !key.All(c => c is > ' ' and <= '~')
            ? EdgeProblems.InvalidRequest($"the Idempotency-Key header is required: 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces")
            : null;

    /// <summary>What the body asks to send, or why it cannot be sent (every field checked before anything is fetched).</summary>
    internal static (ContentRequest? Request, string? Invalid) Content(SendMessageRequest body)
    {
        var (request, invalid) = Kind(body);
        return request is null ? (null, invalid) : WithContext(request, body);
    }

    private static (ContentRequest? Request, string? Invalid) Kind(SendMessageRequest body)
    {
        switch (body.Type)
        {
            case "text":
                return string.IsNullOrEmpty(body.Text) || body.Text.Length > MaxTextLength
                    ? (null, $"text must be 1 to {MaxTextLength} characters")
                    : (new ContentRequest.Text(body.Text), null);
            case "reaction":
                return body.Reaction is not { MessageId: { Length: > 0 } messageId, Emoji: { } emoji }
                    ? (null, "reaction.messageId and reaction.emoji are required (an empty emoji removes the reaction)")
                    : emoji.Length > Reactions.MaxLength ? (null, $"reaction.emoji must be at most {Reactions.MaxLength} characters")
                    : (new ContentRequest.Reaction(messageId, emoji), null);
            case { } type when FileTypes.TryGetValue(type, out var file):
                return File(body.Media, file.Kind, file.VoiceNote, type);
            case "location":
                return Location(body.Location);
            case "contact":
                return Contacts(body.Contact);
            case "poll":
                return Poll(body.Poll);
            default:
                return (null, "type must be one of text, reaction, location, contact, poll, " + string.Join(", ", FileTypes.Keys));
        }
    }

    private static (ContentRequest? Request, string? Invalid) File(MediaBody? media, MediaKind kind, bool voiceNote, string type)
    {
        if (media is null || new[] { media.Url, media.Base64, media.UploadId }.Count(v => v is not null) != 1)
        {
            return (null, $"type {type} needs media with exactly one of url, base64 and uploadId");
        }

        if (media.Caption is { Length: > MaxTextLength })
        {
            return (null, $"media.caption must be at most {MaxTextLength} characters");
        }

        if (media.Caption is { Length: > 0 } && kind is MediaKind.Audio or MediaKind.Sticker)
        {
            return (null, $"a {type} has no caption");
        }

        if (media.Filename is { } name && (name.Length is 0 or > MaxFileNameLength || name.IndexOfAny(['/', '\\', '\0']) >= 0))
        {
            return (null, $"media.filename must be 1 to {MaxFileNameLength} characters without slashes");
        }

        if (media.Mimetype is { } mime && !MimeType().IsMatch(mime))
        {
            return (null, "media.mimetype must be a media type such as image/jpeg");
        }

        Uri? link = null;
        byte[]? bytes = null;
        if (media.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out link) && link.Scheme is "http" or "https"))
        {
            return (null, "media.url must be an absolute http or https URL");
        }

        if (media.Base64 is { } base64)
        {
            try
            {
                bytes = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return (null, "media.base64 is not base64");
            }

            if (bytes.Length == 0)
            {
                return (null, "media.base64 holds no bytes");
            }
        }

        return (new ContentRequest.Media(kind, link, bytes, media.Mimetype, NullIfEmpty(media.Caption), media.Filename, voiceNote) { UploadId = media.UploadId }, null);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

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

    /// <summary>A group jid as given (<c>120363…@g.us</c>, or an older group's <c>creator-time@g.us</c>); null otherwise.</summary>
    internal static string? Group(string? to) => to is not null && GroupJid().IsMatch(to) ? to : null;

    [GeneratedRegex("^[0-9]{5,40}(-[0-9]{5,20})?@g\\.us$")]
    private static partial Regex GroupJid();

    [GeneratedRegex("^[a-z]+/[a-z0-9.+-]+(; ?[a-z]+=[a-z0-9-]+)?$")]
    private static partial Regex MimeType();

    [GeneratedRegex("^[0-9]{5,20}@(s\\.whatsapp\\.net|lid)$")]
    private static partial Regex UserJid();

    [GeneratedRegex("^[0-9]{7,15}$")]
    private static partial Regex PhoneNumber();
}
