using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator;

/// <summary>
/// The admin HTTP API under <c>/admin</c>: JSON in and out, refusals as RFC 7807 problem responses
/// (<c>application/problem+json</c>) with a 4xx status for anything the caller got wrong.
/// </summary>
internal static class AdminApi
{
    public static void Map(IEndpointRouteBuilder app, SimulatorServer server)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/root-key", () => Results.Json(new RootKeyResponse(Convert.ToHexStringLower(server.Authority.RootPublicKey.Span))));
        admin.MapGet("/tls/certificate", () => Guarded(() => Task.FromResult(server.Options.Tls
            ? Results.Text(TlsCertificate.ToPem(server.Certificate), "application/x-pem-file")
            : throw AdminProblemException.NotFound("TLS is off: the chat endpoint is plain ws://. Start the simulator with --tls."))));
        admin.MapGet("/stats", () => Results.Json(server.Stats.Snapshot(server.Accounts.Count, server.DeviceQueues.QueueDepth)));
        admin.MapPost("/relay/hold", () =>
        {
            server.DeviceQueues.Held = true;
            return Results.Json(new RelayHoldResponse(true, server.DeviceQueues.QueueDepth));
        });
        admin.MapPost("/relay/release", async (HttpContext context) =>
        {
            var written = await server.DeviceQueues.ReleaseAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new RelayReleaseResponse(written, server.DeviceQueues.QueueDepth));
        });
        admin.MapGet("/accounts", () => Results.Json(server.Accounts.All.OrderBy(a => a.Phone, StringComparer.Ordinal).Select(ToResponse).ToArray()));
        admin.MapPost("/accounts", (HttpRequest http) => Guarded(async () =>
        {
            var context = http.HttpContext;
            var request = await ReadBodyAsync<CreateAccountRequest>(context).ConfigureAwait(false);
            var phone = RequirePhone(request.Phone);
            try
            {
                var account = await server.Accounts.CreateAsync(phone, context.RequestAborted).ConfigureAwait(false);
                return Results.Json(ToResponse(account), statusCode: StatusCodes.Status201Created);
            }
            catch (AccountExistsException)
            {
                throw new AdminProblemException(409, "Account exists", $"An account for {phone} exists already.");
            }
        }));
        admin.MapGet("/accounts/{phone}", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(ToResponse(FindAccount(server, phone))))));
        admin.MapGet("/accounts/{phone}/devices", (string phone) => Guarded(() =>
        {
            var account = FindAccount(server, phone);
            DeviceResponse[] devices =
            [
                new DeviceResponse(0, account.DeviceJid(0).ToString(), account.DeviceLid(0).ToString(), 0, CompanionLinking.PhonePlatform, true, account.CreatedAt, null, false),
                .. account.Devices.Select(d =>
                {
                    var live = server.Connections.FindDevice(account.DeviceJid(d.DeviceId).ToString());
                    return new DeviceResponse(
                        d.DeviceId,
                        account.DeviceJid(d.DeviceId).ToString(),
                        account.DeviceLid(d.DeviceId).ToString(),
                        d.KeyIndex,
                        d.Platform,
                        false,
                        d.LinkedAt,
                        d.PreKeys.Count,
                        live is not null,
                        live?.RemoteAddress);
                }),
            ];
            return Task.FromResult(Results.Json(devices));
        }));
        admin.MapDelete("/accounts/{phone}/devices/{device}", (string phone, string device, HttpContext context) => Guarded(async () =>
        {
            var account = FindAccount(server, phone);
            if (!int.TryParse(device, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deviceId))
            {
                throw AdminProblemException.BadRequest("The device must be a device number.");
            }

            if (deviceId == 0)
            {
                throw AdminProblemException.BadRequest("Device 0 is the phone itself; it cannot be unlinked.");
            }

            return await server.CompanionDevices.UnlinkAsync(account, deviceId, context.RequestAborted).ConfigureAwait(false)
                ? Results.NoContent()
                : throw AdminProblemException.NotFound($"Device {deviceId} is not linked to {account.Phone}.");
        }));
        admin.MapGet("/accounts/{phone}/presence", (string phone) => Guarded(() =>
        {
            var (type, last) = server.Presence.Current(FindAccount(server, phone));
            return Task.FromResult(Results.Json(new PresenceResponse(type, last == 0 ? null : last)));
        }));
        // The phone going online or offline: its subscribers are told as they are of a companion's presence.
        admin.MapPost("/accounts/{phone}/presence", (string phone, HttpContext context) => Guarded(async () =>
        {
            var account = FindAccount(server, phone);
            var request = await ReadBodyAsync<SetPresenceRequest>(context).ConfigureAwait(false);
            if (request.Type is not ("available" or "unavailable"))
            {
                throw AdminProblemException.BadRequest("\"type\" must be \"available\" or \"unavailable\".");
            }

            await server.Presence.SetAsync(account, request.Type, sender: null, context.RequestAborted).ConfigureAwait(false);
            var (type, last) = server.Presence.Current(account);
            return Results.Json(new PresenceResponse(type, last == 0 ? null : last));
        }));
        admin.MapPost("/accounts/{phone}/calls", (string phone, HttpContext context) => Guarded(async () =>
        {
            var caller = FindAccount(server, phone);
            var request = await ReadBodyAsync<PlaceCallRequest>(context).ConfigureAwait(false);
            var callee = FindAccount(server, request.To ?? "");
            if (callee == caller)
            {
                throw AdminProblemException.BadRequest("A phone does not call its own account.");
            }

            return Results.Json(await server.Calls.OfferAsync(caller, callee, context.RequestAborted).ConfigureAwait(false), statusCode: StatusCodes.Status201Created);
        }));
        admin.MapGet("/accounts/{phone}/calls", (string phone) => Guarded(() =>
            Task.FromResult(Results.Json(server.Calls.PlacedBy(FindAccount(server, phone))))));
        admin.MapPut("/accounts/{phone}/picture", (string phone, HttpContext context) => Guarded(async () =>
        {
            var account = FindAccount(server, phone);
            var request = await ReadBodyAsync<SetPictureRequest>(context).ConfigureAwait(false);
            if (!Uri.TryCreate(request.Url, UriKind.Absolute, out _))
            {
                throw AdminProblemException.BadRequest("\"url\" must be an absolute URL.");
            }

            return Results.Json(new { id = server.ProfilePictures.Set(account, request.Url!) });
        }));
        LinkingAdmin.Map(admin, server.QrLinking, server.LinkCodeLinking);
        Groups.GroupAdmin.Map(admin, server.Groups, server.Accounts, server.GroupNotifications);
        Phone.PhoneAdmin.Map(admin, server.Accounts, server.Phones, server.Groups, server.Media.Store);
        admin.MapGet("/media", () => Guarded(() => Task.FromResult(Results.Json(
            server.Media.Store.All().Select(b => new MediaBlobView(b.DirectPath, b.MmsType, b.Content.Length, b.UploadedAt))))));
        // The host forgetting a file, as the real hosts do after some weeks: downloads then get 404 (and ask for a media retry).
        admin.MapDelete("/media", (string? path) => Guarded(() => Task.FromResult(
            string.IsNullOrEmpty(path) || !path.StartsWith('/') ? throw AdminProblemException.BadRequest("\"path\" must be a direct path (/v/...).")
            : server.Media.Store.Drop(path) ? Results.NoContent()
            : throw AdminProblemException.NotFound("The media host has no file at that path."))));
        Simulator.AppState.AppStateAdmin.Map(admin, server.Accounts, server.Phones, server.AppState);
    }

    /// <summary>Runs an endpoint, turning an <see cref="AdminProblemException"/> into its problem response.</summary>
    internal static async Task<IResult> Guarded(Func<Task<IResult>> handler)
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

    internal static async Task<T> ReadBodyAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false)
                ?? throw AdminProblemException.BadRequest("The body is JSON null; an object was expected.");
        }
        catch (JsonException e)
        {
            throw AdminProblemException.BadRequest("The body is not the expected JSON object: " + e.Message);
        }
    }

    /// <summary>A phone number as the account key: 5 to 15 digits (E.164 without the '+'), no leading zero.</summary>
    internal static string RequirePhone(string? phone)
    {
        if (phone is null || phone.Length is < 5 or > 15 || phone[0] == '0' || !phone.All(char.IsAsciiDigit))
        {
            throw AdminProblemException.BadRequest("\"phone\" must be 5 to 15 digits (E.164 without '+'), not starting with 0.");
        }

        return phone;
    }

    private static Account FindAccount(SimulatorServer server, string phone) =>
        server.Accounts.Find(RequirePhone(phone)) ?? throw AdminProblemException.NotFound($"No account for {phone}.");

    private static AccountResponse ToResponse(Account account) => new(account.Phone, account.Jid.ToString(), account.Lid.ToString());
}

/// <summary><c>GET /admin/root-key</c>.</summary>
public sealed record RootKeyResponse(string PublicKey);

/// <summary><c>POST /admin/relay/hold</c>: companions' stanzas are queued, not written, until released.</summary>
public sealed record RelayHoldResponse(bool Held, int QueueDepth);

/// <summary><c>POST /admin/relay/release</c>: how many queued stanzas were written to active companions.</summary>
public sealed record RelayReleaseResponse(int Written, int QueueDepth);

/// <summary><c>GET</c> (and <c>POST</c>) <c>/admin/accounts/{phone}/presence</c>: what the account's phone or companions last set, and when it went offline.</summary>
public sealed record PresenceResponse(string Type, long? Last);

/// <summary><c>POST /admin/accounts/{phone}/presence</c> body: <c>available</c> or <c>unavailable</c>.</summary>
public sealed record SetPresenceRequest(string? Type);

/// <summary><c>POST /admin/accounts/{phone}/calls</c> body: the callee's phone number (digits).</summary>
public sealed record PlaceCallRequest(string? To);

/// <summary><c>PUT /admin/accounts/{phone}/picture</c> body: where the picture is.</summary>
public sealed record SetPictureRequest(string? Url);

/// <summary><c>POST /admin/accounts</c> body.</summary>
public sealed record CreateAccountRequest(string? Phone);

/// <summary>An account as the admin API shows it.</summary>
public sealed record AccountResponse(string Phone, string Jid, string Lid);

/// <summary>
/// One device of an account (device 0 is the phone the simulator plays). <paramref name="RemoteAddress"/> is the
/// <c>ip:port</c> its live connection comes from (a proxy's, when it came through one); null when it is offline.
/// </summary>
public sealed record DeviceResponse(int Device, string Jid, string Lid, uint KeyIndex, string Platform, bool Primary, DateTimeOffset LinkedAt, int? PreKeys, bool Online, string? RemoteAddress = null);

/// <summary>A blob the simulator's media host holds, as <c>GET /admin/media</c> lists it (never its bytes).</summary>
public sealed record MediaBlobView(string DirectPath, string MmsType, int Length, DateTimeOffset UploadedAt);
