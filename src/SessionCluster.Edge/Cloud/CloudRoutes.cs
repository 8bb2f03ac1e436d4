using System.Text.Json;
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
/// <c>{phone-number-id}</c> is the name of a session in the caller's tenant. Text sends answer Meta's
/// <c>{messaging_product, contacts[{input, wa_id}], messages[{id}]}</c> with the session's message id; a read status
/// answers <c>{"success":true}</c>. Cloud requests carry no idempotency key, so each is a new send (a random key per
/// request), as with Meta: a client that retries after a lost answer may send twice. Errors are in Cloud's shape
/// (<see cref="CloudErrors"/>), never problem+json.
/// </summary>
internal static partial class CloudRoutes
{
    public sealed record SendResponse(string MessagingProduct, IReadOnlyList<Contact> Contacts, IReadOnlyList<SentMessage> Messages);

    public sealed record Contact(string Input, string WaId);

    public sealed record SentMessage(string Id);

    public sealed record ReadResponse(bool Success);

    /// <summary>Events read per page while looking up a received message's chat and sender.</summary>
    private const int PageSize = 1000;

    /// <summary>The text limit the sessions apply (WhatsApp's own: 65,536 characters).</summary>
    private const int MaxTextLength = 65_536;

    public static void Map(IEndpointRouteBuilder endpoints, EdgeDependencies deps)
    {
        var cloud = endpoints.MapGroup("/cloud");
        cloud.AddEndpointFilter(new CloudAuthFilter(new EdgeAuthFilter(deps.AdminKey, deps.Keys, adminOnly: false)));
        cloud.MapPost("/{version}/{phoneNumberId}/messages", (string version, string phoneNumberId, HttpContext http, CancellationToken ct) =>
            PostAsync(version, phoneNumberId, http, deps, ct));
    }

    private static async Task<IResult> PostAsync(string version, string phoneNumberId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        await deps.Ready.WaitAsync(ct).ConfigureAwait(false);
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
                CloudRequest.SendText text => await SendTextAsync(text, entry, http, deps, ct).ConfigureAwait(false),
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

    private static async Task<IResult> SendTextAsync(CloudRequest.SendText send, SessionEntry entry, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        if (send.Body.Length is 0 or > MaxTextLength)
        {
            return CloudErrors.InvalidValue(http, $"text.body must be 1 to {MaxTextLength} characters");
        }

        if (MessageRoutes.Recipient(send.To) is not { } to)
        {
            return CloudErrors.InvalidValue(http, "to must be a phone number in international form (digits, optional +)");
        }

        if (await deps.SendRates.TryTakeAsync(entry.TenantId, ct).ConfigureAwait(false) is { } wait)
        {
            return CloudErrors.RateLimited(http, $"tenant '{entry.TenantId}' is over its messagesPerSecond quota", wait);
        }

        var key = "cloud-" + Guid.NewGuid().ToString("N");
        return await deps.Sessions.AskAsync(Send.Text(entry.ActorId, to, send.Body, key), ct).ConfigureAwait(false) switch
        {
            SendAccepted accepted => Results.Json(
                new SendResponse("whatsapp", [new Contact(send.To, to[..to.IndexOf('@', StringComparison.Ordinal)])], [new SentMessage(accepted.MessageId)]),
                CloudJson.Options),
            var other => Refused(other, entry, http),
        };
    }

    private static async Task<IResult> MarkReadAsync(CloudRequest.MarkRead read, SessionEntry entry, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        if (await FindReceivedAsync(entry.ActorId, read.MessageId, deps, ct).ConfigureAwait(false) is not { } received)
        {
            return CloudErrors.InvalidValue(http, $"no message '{read.MessageId}' was received by this phone number");
        }

        return await deps.Sessions.AskAsync(new SessionCommands.MarkRead(entry.ActorId, received.Chat, received.Sender, [received.MessageId]), ct).ConfigureAwait(false) switch
        {
            ReadMarked => Results.Json(new ReadResponse(true), CloudJson.Options),
            var other => Refused(other, entry, http),
        };
    }

    /// <summary>The received message with that id, from the session's log (linear in its length until the messages store answers it).</summary>
    private static async Task<MessageReceivedBody?> FindReceivedAsync(SessionId id, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        var after = 0L;
        while (true)
        {
            var page = await deps.Events.ReadAsync(id, after, PageSize, ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                if (e.Body is MessageReceivedBody { FromMe: false } received && received.MessageId == messageId)
                {
                    return received;
                }

                after = e.Sequence;
            }

            if (page.Count < PageSize)
            {
                return null;
            }
        }
    }

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
