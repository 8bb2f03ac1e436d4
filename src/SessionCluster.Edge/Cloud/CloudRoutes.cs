using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Cloud;

/// <summary>
/// <c>POST /cloud/{version}/{phone-number-id}/messages</c>, the send side of Meta's WhatsApp Cloud API: a client written
/// for <c>graph.facebook.com</c> works by changing its base URL to <c>http://node/cloud</c> and its token to an API key.
/// <c>{phone-number-id}</c> is the name of a session in the caller's tenant. Sends (text, media by link, reactions,
/// locations, contacts; replies by <c>context.message_id</c>)
/// answer Meta's <c>{messaging_product, contacts[{input, wa_id}], messages[{id}]}</c> with the session's message id; a
/// read status answers <c>{"success":true}</c>. A linked file is downloaded, encrypted and uploaded before the answer, as
/// with the REST route. Cloud requests carry no idempotency key, so each is a new send (a random key per
/// request), as with Meta: a client that retries after a lost answer may send twice. Errors are in Cloud's shape
/// (<see cref="CloudErrors"/>), never problem+json.
/// </summary>
internal static partial class CloudRoutes
{
    public sealed record SendResponse(
        [property: JsonPropertyName("messaging_product")] string MessagingProduct, IReadOnlyList<Contact> Contacts, IReadOnlyList<SentMessage> Messages);

    public sealed record Contact(string Input, [property: JsonPropertyName("wa_id")] string WaId);

    public sealed record SentMessage(string Id);

    public sealed record ReadResponse(bool Success);

    public static void Map(IEndpointRouteBuilder endpoints, EdgeDependencies deps)
    {
        var cloud = endpoints.MapGroup("/cloud");

        // As in front of /v1: requests wait for the edge's tables (API keys live there) before they are authenticated.
        cloud.AddEndpointFilter(async (context, next) =>
        {
            await deps.Ready.WaitAsync(context.HttpContext.RequestAborted).ConfigureAwait(false);
            return await next(context).ConfigureAwait(false);
        });
        cloud.AddEndpointFilter(new CloudAuthFilter(new EdgeAuthFilter(deps.AdminKey, deps.Keys, adminOnly: false)));
        cloud.MapPost("/{version}/{phoneNumberId}/messages", (string version, string phoneNumberId, HttpContext http, CancellationToken ct) =>
            PostAsync(version, phoneNumberId, http, deps, ct))
            .Accepts<JsonElement>("application/json")
            .Produces<SendResponse>(StatusCodes.Status200OK)
            .Produces<CloudErrors.Envelope>(StatusCodes.Status400BadRequest)
            .Produces<CloudErrors.Envelope>(StatusCodes.Status401Unauthorized);
        CloudMediaRoutes.Map(cloud, deps);
    }

    private static async Task<IResult> PostAsync(string version, string phoneNumberId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        if (!GraphVersion().IsMatch(version))
        {
            return CloudErrors.InvalidParameter(http, $"'{version}' is not a Graph API version (v21.0, for example)");
        }

        var entry = SessionIds.TryParse(phoneNumberId, out _) ? await deps.Directory.FindAsync(Caller.Of(http).TenantId, phoneNumberId, ct).ConfigureAwait(false) : null;
        if (entry is null)
        {
            return CloudErrors.UnknownPhoneNumberId(http, phoneNumberId);
        }

        CloudRequest request;
        try
        {
            using var json = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct).ConfigureAwait(false);
            request = CloudRequest.Parse(json.RootElement);
        }
        catch (JsonException e)
        {
            return CloudErrors.InvalidParameter(http, $"the body is not JSON: {e.Message}");
        }

        try
        {
            return request switch
            {
                CloudRequest.Send send => await SendAsync(send, entry, http, deps, ct).ConfigureAwait(false),
                CloudRequest.MarkRead read => await MarkReadAsync(read, entry, http, deps, ct).ConfigureAwait(false),
                CloudRequest.Invalid { Kind: CloudRequest.Problem.Missing } invalid => CloudErrors.MissingParameter(http, invalid.Details),
                CloudRequest.Invalid { Kind: CloudRequest.Problem.Unsupported } invalid => CloudErrors.UnsupportedType(http, invalid.Details),
                CloudRequest.Invalid invalid => CloudErrors.InvalidParameter(http, invalid.Details),
                _ => throw new InvalidOperationException($"No answer for the Cloud request {request.GetType().Name}."),
            };
        }
        catch (AskTimeoutException)
        {
            return CloudErrors.ServiceUnavailable(http, $"the session did not answer within {deps.Options.AskTimeout.TotalSeconds:0} s; ask again (a Cloud send is not idempotent: check the first one's status before sending again)");
        }
    }

    private static async Task<IResult> SendAsync(CloudRequest.Send send, SessionEntry entry, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var invalid = send.Content switch
        {
            ContentRequest.Text { Body.Length: 0 or > MessageRoutes.MaxTextLength } => $"text.body must be 1 to {MessageRoutes.MaxTextLength} characters",
            ContentRequest.Reaction { Emoji.Length: > Reactions.MaxLength } => $"reaction.emoji must be at most {Reactions.MaxLength} characters",
            ContentRequest.Media { Caption.Length: > MessageRoutes.MaxTextLength } => $"caption must be at most {MessageRoutes.MaxTextLength} characters",
            ContentRequest.Location l when l.Name?.Length > MessageRoutes.MaxLabelLength || l.Address?.Length > MessageRoutes.MaxLabelLength =>
                $"location.name and location.address must be at most {MessageRoutes.MaxLabelLength} characters",
            ContentRequest.Contacts c when c.Cards.Count > MessageRoutes.MaxContacts || c.Cards.Any(card => card.DisplayName.Length > MessageRoutes.MaxLabelLength) =>
                $"at most {MessageRoutes.MaxContacts} contacts, each name at most {MessageRoutes.MaxLabelLength} characters",
            { ReplyTo.Length: > MessageRoutes.MaxMessageIdLength } => "context.message_id is not a message id",
            _ => null,
        };
        if (invalid is not null)
        {
            return CloudErrors.InvalidValue(http, invalid);
        }

        if (MessageRoutes.Recipient(send.To) is not { } to)
        {
            return CloudErrors.InvalidValue(http, "to must be a phone number in international form (digits, optional +)");
        }

        if (await deps.SendRates.TryTakeAsync(entry.TenantId, ct).ConfigureAwait(false) is { } wait)
        {
            return CloudErrors.RateLimited(http, $"tenant '{entry.TenantId}' is over its messagesPerSecond quota", wait);
        }

        PreparedContent content;
        try
        {
            content = await new OutboundContent(deps).PrepareAsync(entry, to, send.Content, ct).ConfigureAwait(false);
        }
        catch (ContentException e)
        {
            return ContentRefused(e, entry, http);
        }

        var key = "cloud-" + Guid.NewGuid().ToString("N");
        var reply = await deps.Sessions.AskAsync(new Send(entry.ActorId, to, content.Message, key), ct).ConfigureAwait(false);
        if (reply is not SendAccepted accepted)
        {
            return Refused(reply, entry, http);
        }

        await MessageRoutes.RecordAsync(entry, to, accepted.MessageId, content, deps, ct).ConfigureAwait(false);
        return Results.Json(
            new SendResponse("whatsapp", [new Contact(send.To, to[..to.IndexOf('@', StringComparison.Ordinal)])], [new SentMessage(accepted.MessageId)]),
            CloudJson.Options);
    }

    private static async Task<IResult> MarkReadAsync(CloudRequest.MarkRead read, SessionEntry entry, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        if (await MessageLookup.FindReceivedAsync(entry.ActorId, read.MessageId, deps, ct).ConfigureAwait(false) is not { } received)
        {
            return CloudErrors.InvalidValue(http, $"no message '{read.MessageId}' was received by this phone number");
        }

        return await deps.Sessions.AskAsync(new SessionCommands.MarkRead(entry.ActorId, received.Chat, received.Sender, [received.MessageId]), ct).ConfigureAwait(false) switch
        {
            ReadMarked => Results.Json(new ReadResponse(true), CloudJson.Options),
            var other => Refused(other, entry, http),
        };
    }

    /// <summary>Content that could not be prepared, as the Cloud error Meta gives for the same condition (131053 for media it could not take).</summary>
    private static IResult ContentRefused(ContentException e, SessionEntry entry, HttpContext http) => e.Failure switch
    {
        ContentFailure.Invalid or ContentFailure.UnknownMessage or ContentFailure.UnknownUpload or ContentFailure.NotEditable or ContentFailure.NotRevocable => CloudErrors.InvalidValue(http, e.Message),
        ContentFailure.LinkFailed or ContentFailure.TooLarge => CloudErrors.MediaUploadError(http, e.Message),
        ContentFailure.NotLinked => CloudErrors.NotRegistered(http, e.Message),
        ContentFailure.NotConnected or ContentFailure.UploadFailed => CloudErrors.ServiceUnavailable(http, e.Message),
        ContentFailure.SessionGone => CloudErrors.UnknownPhoneNumberId(http, entry.Id),
        var other => throw new InvalidOperationException($"No Cloud error is mapped for the content failure {other}."),
    };

    /// <summary>A session's refusal as the Cloud error Meta gives for the same condition.</summary>
    private static IResult Refused(Reply reply, SessionEntry entry, HttpContext http) => reply switch
    {
        NotFound => CloudErrors.UnknownPhoneNumberId(http, entry.Id),
        Unavailable => CloudErrors.ServiceUnavailable(http, $"phone number '{entry.Id}' cannot open its stored secrets; it does nothing until the node's secrets key is fixed"),
        SendRefused { Reason: SendRefusal.NotLinked or SendRefusal.Ended } refused => CloudErrors.NotRegistered(http, refused.Detail),
        SendRefused { Reason: SendRefusal.NotConnected } refused => CloudErrors.ServiceUnavailable(http, refused.Detail),
        SendRefused refused => CloudErrors.InvalidValue(http, refused.Detail),
        var other => throw new InvalidOperationException($"No Cloud error is mapped for the session reply {other.GetType().Name}."),
    };

    [GeneratedRegex("^v[0-9]{1,3}\\.[0-9]{1,3}$")]
    private static partial Regex GraphVersion();
}
