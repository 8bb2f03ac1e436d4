using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.StatusUpdates;

/// <summary>
/// <c>POST /v1/sessions/{id}/status</c>: posts a status (story) — a text on an optional background colour in an optional
/// font, or an image, a video or a voice note (by link, inline base64 or upload id, as message sends take them) — shown to
/// <c>audience</c>, the users named (phone numbers or user jids; required, non-empty). Answered 202 once the session has
/// made the post durable (<see cref="PostStatus"/>), with its message id; its progress comes as <c>message.status</c>
/// events of the chat <c>status@broadcast</c>. The <c>Idempotency-Key</c> header is required, as for message sends. A
/// status is no chat: it is not in the chats store (docs/API.md "Status").
/// </summary>
internal static class StatusRoutes
{
    /// <param name="BackgroundColor">For a text: <c>#RRGGBB</c> or <c>#AARRGGBB</c>.</param>
    /// <param name="Font">For a text: one of <see cref="FontNames"/>.</param>
    public sealed record PostStatusRequest(
        string? Type = null, string? Text = null, MessageRoutes.MediaBody? Media = null, string? BackgroundColor = null, string? Font = null, IReadOnlyList<string>? Audience = null);

    public sealed record PostStatusResponse(string Id, string Status);

    /// <summary>The content kinds a status takes.</summary>
    private static readonly string[] Types = ["text", "image", "video", "voice"];

    /// <summary>The fonts of a text status, as WhatsApp's schema names them (FontType's value names, lowercase: <c>fb_script</c>).</summary>
    internal static readonly IReadOnlyDictionary<string, ExtendedTextMessage.Types.FontType> FontNames =
        ExtendedTextMessage.Descriptor.EnumTypes.Single(e => e.Name == "FontType").Values
            .ToDictionary(v => v.Name.ToLowerInvariant(), v => (ExtendedTextMessage.Types.FontType)v.Number, StringComparer.Ordinal);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapPost("/sessions/{id}/status", async (string id, HttpContext http, CancellationToken ct) =>
        {
            var (accepted, problem) = await PostAsync(http, id, http.Request.Headers["Idempotency-Key"].ToString(),
                token => JsonBody.ReadAsync<PostStatusRequest>(http.Request, null, token), deps, ct).ConfigureAwait(false);
            return accepted is null ? problem! : Results.Json(accepted, statusCode: StatusCodes.Status202Accepted);
        });

    /// <summary>Posts a status as the caller's session (REST and gRPC): the accepted post, or the problem to answer.</summary>
    public static async Task<(PostStatusResponse? Accepted, IResult? Problem)> PostAsync(
        HttpContext http, string rawId, string key, Func<CancellationToken, Task<(PostStatusRequest? Value, IResult? Problem)>> readBody, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, problem!);
        }

        if (MessageRoutes.KeyProblem(key) is { } keyProblem)
        {
            return (null, keyProblem);
        }

        var (body, bodyProblem) = await readBody(ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return (null, bodyProblem);
        }

        var (request, audience, invalid) = Read(body!);
        if (invalid is not null)
        {
            return (null, EdgeProblems.InvalidRequest(invalid));
        }

        if (await deps.SendRates.TryTakeAsync(entry.TenantId, ct).ConfigureAwait(false) is { } wait)
        {
            return (null, EdgeProblems.TooManyRequests(ProblemCodes.RateLimited, $"tenant '{entry.TenantId}' is over its messagesPerSecond quota; retry after the given seconds", wait));
        }

        PreparedContent content;
        try
        {
            content = await new OutboundContent(deps).PrepareAsync(entry, StatusChat, request!, ct).ConfigureAwait(false);
        }
        catch (ContentException e)
        {
            return (null, ContentProblems.For(e, entry.Id));
        }

        var reply = await deps.Sessions.AskAsync(new PostStatus(entry.ActorId, audience!, content.Message, key), ct).ConfigureAwait(false);
        return reply is SendAccepted accepted
            ? (new PostStatusResponse(accepted.MessageId, "accepted"), null)
            : (null, ReplyProblems.For(reply, entry.Id));
    }

    /// <summary>The content and the audience (user jids), or why the body cannot be posted; everything is checked before a file is fetched.</summary>
    private static (ContentRequest? Request, IReadOnlyList<string>? Audience, string? Invalid) Read(PostStatusRequest body)
    {
        if (body.Audience is not { Count: > 0 } named)
        {
            return (null, null, "audience is required: the phone numbers or user jids (number@s.whatsapp.net, id@lid) the status is shown to");
        }

        if (named.Count > MaxStatusAudience)
        {
            return (null, null, $"audience names at most {MaxStatusAudience} users");
        }

        var audience = new List<string>(named.Count);
        foreach (var user in named)
        {
            if (MessageRoutes.Recipient(user) is not { } jid)
            {
                return (null, null, $"audience holds \"{user}\", which is not a phone number in international form or a user jid (number@s.whatsapp.net, id@lid)");
            }

            audience.Add(jid);
        }

        if (body.Type is not { } type || !Types.Contains(type, StringComparer.Ordinal))
        {
            return (null, null, "type must be one of " + string.Join(", ", Types));
        }

        if (type != "text" && (body.BackgroundColor is not null || body.Font is not null))
        {
            return (null, null, "backgroundColor and font are for a text status");
        }

        if (type == "text")
        {
            if (string.IsNullOrEmpty(body.Text) || body.Text.Length > MessageRoutes.MaxTextLength)
            {
                return (null, null, $"text must be 1 to {MessageRoutes.MaxTextLength} characters");
            }

            uint? background = null;
            if (body.BackgroundColor is { } color)
            {
                if (Argb(color) is not { } argb)
                {
                    return (null, null, "backgroundColor must be #RRGGBB or #AARRGGBB");
                }

                background = argb;
            }

            ExtendedTextMessage.Types.FontType? font = null;
            if (body.Font is { } name)
            {
                if (!FontNames.TryGetValue(name, out var known))
                {
                    return (null, null, "font must be one of " + string.Join(", ", FontNames.Keys));
                }

                font = known;
            }

            return (new ContentRequest.StatusText(body.Text, background, font), audience, null);
        }

        var (request, invalid) = MessageRoutes.Content(new MessageRoutes.SendMessageRequest(Type: type, Media: body.Media));
        return (request, audience, invalid);
    }

    /// <summary><c>#RRGGBB</c> (opaque) or <c>#AARRGGBB</c> as ARGB, or null.</summary>
    internal static uint? Argb(string color)
    {
        if (color.Length is not (7 or 9) || color[0] != '#'
            || !uint.TryParse(color.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        return color.Length == 7 ? 0xFF000000u | value : value;
    }
}
