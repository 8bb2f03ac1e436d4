using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Groups;
using SessionCluster.Simulator.Media;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The phone's admin endpoints: <c>POST /admin/accounts/{phone}/messages</c> <c>{"to": "&lt;jid&gt;", "text": "…"}</c> makes the
/// phone send a text to another account or to a group it is a member of (answer <c>{"id", "to", "devices"}</c>), <c>GET /admin/accounts/{phone}/messages</c> lists what it received
/// and decrypted, <c>GET /admin/accounts/{phone}/receipts</c> the receipts it got, <c>GET /admin/accounts/{phone}/chatstates</c> the chat states shown to it, and <c>POST /admin/accounts/{phone}/history-sync</c>
/// sends the companions the phone's history sync, inline or with <c>?blob=true</c> as an uploaded blob (answer <c>{"devices", "directPath"}</c>). Refusals are problem responses:
/// 404 unknown account, recipient or group, 422 when the relay acks the message with an error, 400 bad phone, jid or text, a message to the phone's own account or to a group it is not in.
/// </summary>
internal static class PhoneAdmin
{
    public static void Map(IEndpointRouteBuilder admin, AccountDirectory accounts, PhoneDirectory phones, GroupDirectory groups, MediaStore? media = null) =>
        Map(admin, accounts, phones, group => groups.TryGet(group, out var found)
            ? [.. found.Participants.Select(p => accounts.Find(p.Jid.User)).OfType<Account>()]
            : null, media);

    /// <param name="admin">The <c>/admin</c> route group.</param>
    /// <param name="accounts">The accounts.</param>
    /// <param name="phones">The phones.</param>
    /// <param name="groupMembers">The member accounts of a group, or null when there is no such group.</param>
    /// <param name="media">Where a history chunk sent as a blob (<c>?blob=true</c>) is uploaded; without it only inline chunks are sent.</param>
    public static void Map(IEndpointRouteBuilder admin, AccountDirectory accounts, PhoneDirectory phones, Func<Jid, IReadOnlyList<Account>?> groupMembers, MediaStore? media = null)
    {
        admin.MapPost("/accounts/{phone}/messages", (string phone, HttpContext context) => Guarded(async () =>
        {
            var account = FindAccount(accounts, phone);
            var request = await ReadBodyAsync(context).ConfigureAwait(false);
            if (!Jid.TryParse(request.To, out var to) || to.Device != 0 || !(to.IsPhoneNumber || to.IsLid || to.IsGroup))
            {
                throw AdminProblemException.BadRequest("\"to\" must be a user jid (digits@s.whatsapp.net, digits@lid) or a group jid (id@g.us).");
            }

            if (string.IsNullOrEmpty(request.Text))
            {
                throw AdminProblemException.BadRequest("\"text\" must be a non-empty string.");
            }

            var members = to.IsGroup ? groupMembers(to) ?? throw AdminProblemException.NotFound($"No group {to}.") : null;
            if (members is null && phones.FindAccount(to) is null)
            {
                throw AdminProblemException.NotFound($"No account for {to}.");
            }

            try
            {
                var phone = phones.Get(account);
                var sent = members is null
                    ? await phone.SendTextAsync(to, request.Text, context.RequestAborted).ConfigureAwait(false)
                    : await phone.SendGroupTextAsync(to, members, request.Text, context.RequestAborted).ConfigureAwait(false);
                if (sent.Ack.GetOptionalString("error") is { } error)
                {
                    throw new AdminProblemException(StatusCodes.Status422UnprocessableEntity, "Refused by the relay", $"The server acked {sent.Id} with error {error}; nothing was delivered.");
                }

                return Results.Json(new PhoneSendResponse(sent.Id, to.ToString(), sent.Devices), statusCode: StatusCodes.Status201Created);
            }
            catch (PhoneSendException e)
            {
                throw AdminProblemException.BadRequest(e.Message);
            }
        }));
        admin.MapPost("/accounts/{phone}/media", (string phone, HttpContext context) => Guarded(async () =>
        {
            var account = FindAccount(accounts, phone);
            var request = await ReadMediaBodyAsync(context).ConfigureAwait(false);
            if (!Jid.TryParse(request.To, out var to) || to.Device != 0 || !(to.IsPhoneNumber || to.IsLid) || phones.FindAccount(to) is null)
            {
                throw AdminProblemException.BadRequest("\"to\" must be the user jid of another account (digits@s.whatsapp.net, digits@lid).");
            }

            if (!Enum.TryParse<MediaKind>(request.Kind, ignoreCase: true, out var kind) || kind is not (MediaKind.Image or MediaKind.Video or MediaKind.Audio or MediaKind.Document or MediaKind.Sticker))
            {
                throw AdminProblemException.BadRequest("\"kind\" must be image, video, audio, document or sticker.");
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(request.Base64 ?? string.Empty);
            }
            catch (FormatException)
            {
                throw AdminProblemException.BadRequest("\"base64\" must be the file in base64.");
            }

            if (bytes.Length == 0 || string.IsNullOrEmpty(request.MimeType))
            {
                throw AdminProblemException.BadRequest("\"base64\" and \"mimeType\" must be non-empty.");
            }

            try
            {
                var sent = await phones.Get(account).SendMediaAsync(to, kind, bytes, request.MimeType, context.RequestAborted).ConfigureAwait(false);
                if (sent.Ack.GetOptionalString("error") is { } error)
                {
                    throw new AdminProblemException(StatusCodes.Status422UnprocessableEntity, "Refused by the relay", $"The server acked {sent.Id} with error {error}; nothing was delivered.");
                }

                return Results.Json(new PhoneMediaResponse(sent.Id, to.ToString(), sent.Devices, sent.DirectPath!), statusCode: StatusCodes.Status201Created);
            }
            catch (PhoneSendException e)
            {
                throw AdminProblemException.BadRequest(e.Message);
            }
        }));
        admin.MapDelete("/accounts/{phone}/media", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(new { forgotten = phones.Get(FindAccount(accounts, phone)).ForgetFiles() }))));
        admin.MapDelete("/accounts/{phone}/sender-keys", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(new { forgotten = phones.Get(FindAccount(accounts, phone)).ForgetSenderKeys() }))));
        admin.MapPost("/accounts/{phone}/history-sync", (string phone, HttpContext context) => Guarded(async () =>
        {
            var account = FindAccount(accounts, phone);
            var blob = string.Equals(context.Request.Query["blob"], "true", StringComparison.OrdinalIgnoreCase);
            if (blob && media is null)
            {
                throw AdminProblemException.BadRequest("This simulator has no media store to upload a history blob to.");
            }

            var sent = await phones.Get(account).SendHistorySyncAsync(accounts.All, new HistorySyncOptions(blob), media, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new HistorySyncResponse(sent.Devices, sent.DirectPath));
        }));
        admin.MapGet("/accounts/{phone}/messages", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(phones.Get(FindAccount(accounts, phone)).Inbox.Snapshot()))));
        admin.MapGet("/accounts/{phone}/receipts", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(phones.Get(FindAccount(accounts, phone)).Inbox.Receipts()))));
        admin.MapGet("/accounts/{phone}/chatstates", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(phones.Get(FindAccount(accounts, phone)).Inbox.Chatstates()))));
    }

    private static Account FindAccount(AccountDirectory accounts, string phone)
    {
        if (phone.Length is < 5 or > 15 || phone[0] == '0' || !phone.All(char.IsAsciiDigit))
        {
            throw AdminProblemException.BadRequest("The phone must be 5 to 15 digits (E.164 without '+'), not starting with 0.");
        }

        return accounts.Find(phone) ?? throw AdminProblemException.NotFound($"No account for {phone}.");
    }

    private static async Task<PhoneMediaRequest> ReadMediaBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<PhoneMediaRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false)
                ?? throw AdminProblemException.BadRequest("The body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw AdminProblemException.BadRequest("The body must be JSON: {\"to\", \"kind\", \"base64\", \"mimeType\"}.");
        }
    }

    private static async Task<PhoneSendRequest> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<PhoneSendRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false)
                ?? throw AdminProblemException.BadRequest("The body is JSON null; an object was expected.");
        }
        catch (JsonException e)
        {
            throw AdminProblemException.BadRequest("The body is not the expected JSON object: " + e.Message);
        }
    }

    private static async Task<IResult> Guarded(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (AdminProblemException e)
        {
            return Results.Problem(statusCode: e.Status, title: e.Title, detail: e.Message);
        }
    }
}

/// <summary><c>POST /admin/accounts/{phone}/messages</c> body.</summary>
public sealed record PhoneSendRequest(string? To, string? Text);

/// <summary>What the phone sent: the message id, the recipient and how many devices got a ciphertext.</summary>
/// <summary>The body of <c>POST /admin/accounts/{phone}/media</c>: the file (base64) the phone sends to <see cref="To"/>.</summary>
public sealed record PhoneMediaRequest(string? To, string? Kind, string? Base64, string? MimeType);

/// <summary>What <c>POST /admin/accounts/{phone}/media</c> sent, with the file's direct path on the simulator's media host.</summary>
public sealed record PhoneMediaResponse(string Id, string To, int Devices, string DirectPath);

public sealed record PhoneSendResponse(string Id, string To, int Devices);

/// <summary><c>POST /admin/accounts/{phone}/history-sync[?blob=true]</c>: how many companions got the notification, and the blob's direct path when it was uploaded.</summary>
public sealed record HistorySyncResponse(int Devices, string? DirectPath = null);
