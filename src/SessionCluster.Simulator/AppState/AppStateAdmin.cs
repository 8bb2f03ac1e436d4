using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.AppState;

/// <summary>
/// App state in the admin API:
/// <list type="bullet">
/// <item><c>POST /admin/accounts/{phone}/app-state/keys</c>: the phone shares its app-state key with every companion
/// (answer <c>{"devices"}</c>); companions also get it on their first fetch.</item>
/// <item><c>GET /admin/accounts/{phone}/app-state/{collection}</c>: the phone's reading of the collection
/// (<see cref="Phone.PhoneAppStateView"/>: every mutation any device wrote, or the check a patch failed).</item>
/// <item><c>POST /admin/accounts/{phone}/app-state/{collection}</c> <c>{"index": ["archive", jid], "value": {SyncActionValue
/// as protobuf JSON}, "version": 3, "remove": false, "tamper": "none|patchMac|valueMac", "external": false}</c>: the phone writes one
/// mutation as the next patch (with <c>external</c>, its mutations in an uploaded SyncdMutations blob) and the companions get
/// server_sync (answer <c>{"version"}</c>, 201).</item>
/// <item><c>POST /admin/accounts/{phone}/app-state/{collection}/snapshot</c> <c>{"tamper": false}</c> (body optional): the server
/// compacts the collection into a snapshot at its current version, served from then on to fetches from version 0 that ask
/// for one (answer <c>{"version", "directPath"}</c>, 201; 409 when the collection has no patches; 503 without a media host).</item>
/// </list>
/// Refusals: 404 unknown account, 400 unknown collection or a body that is not such an object.
/// </summary>
internal static class AppStateAdmin
{
    public static void Map(IEndpointRouteBuilder admin, AccountDirectory accounts, Phone.PhoneDirectory phones, AppStateSync sync)
    {
        admin.MapPost("/accounts/{phone}/app-state/keys", (string phone, HttpContext context) => AdminApi.Guarded(async () =>
        {
            var account = Find(accounts, phone);
            var devices = await phones.Get(account).ShareAppStateKeysAsync(null, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new AppStateKeysResponse(devices));
        }));
        admin.MapGet("/accounts/{phone}/app-state/{collection}", (string phone, string collection) => AdminApi.Guarded(() =>
            Task.FromResult(Results.Json(phones.Get(Find(accounts, phone)).ReadAppState(RequireCollection(collection), sync.Patches)))));
        admin.MapPost("/accounts/{phone}/app-state/{collection}", (string phone, string collection, HttpContext context) => AdminApi.Guarded(async () =>
        {
            var account = Find(accounts, phone);
            var name = RequireCollection(collection);
            var request = await ReadAsync(context).ConfigureAwait(false);
            var version = await phones.Get(account).WriteAppStateAsync(name, request.Mutation, request.Tamper, sync, context.RequestAborted, request.External).ConfigureAwait(false);
            return Results.Json(new AppStateWriteResponse(version), statusCode: StatusCodes.Status201Created);
        }));
        admin.MapPost("/accounts/{phone}/app-state/{collection}/snapshot", (string phone, string collection, HttpContext context) => AdminApi.Guarded(async () =>
        {
            var account = Find(accounts, phone);
            var name = RequireCollection(collection);
            var tamper = await ReadSnapshotTamperAsync(context).ConfigureAwait(false);
            var media = phones.Media ?? throw new AdminProblemException(StatusCodes.Status503ServiceUnavailable, "No media host", "This simulator has no media host to upload a snapshot to.");
            if (sync.Patches.Version(account.Phone, name) == 0)
            {
                throw new AdminProblemException(StatusCodes.Status409Conflict, "Nothing to compact", $"{name} has no patches to compact.");
            }

            var (version, directPath) = sync.Compact(account, name, tamper, media);
            return Results.Json(new AppStateSnapshotResponse(version, directPath), statusCode: StatusCodes.Status201Created);
        }));
    }

    private static Account Find(AccountDirectory accounts, string phone) =>
        accounts.Find(phone) ?? throw AdminProblemException.NotFound($"No account for {phone}.");

    private static string RequireCollection(string collection) =>
        AppStateCollections.IsKnown(collection) ? collection : throw AdminProblemException.BadRequest($"'{collection}' is not an app state collection ({string.Join(", ", AppStateCollections.All)}).");

    private static async Task<bool> ReadSnapshotTamperAsync(HttpContext context)
    {
        try
        {
            if (context.Request.ContentLength is null or 0 && !context.Request.Headers.ContainsKey("Transfer-Encoding"))
            {
                return false;
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("tamper", out var t) && t.GetBoolean();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw AdminProblemException.BadRequest("The body, if any, must be {\"tamper\": bool}: " + e.Message);
        }
    }

    private static async Task<(AppStateMutationRequest Mutation, Phone.AppStateTamper Tamper, bool External)> ReadAsync(HttpContext context)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            var root = body.RootElement;
            var index = root.GetProperty("index").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            var value = root.TryGetProperty("value", out var v) ? JsonParser.Default.Parse<SyncActionValue>(v.GetRawText()) : new SyncActionValue();
            var version = root.TryGetProperty("version", out var n) ? n.GetInt32() : 1;
            var remove = root.TryGetProperty("remove", out var r) && r.GetBoolean();
            var tamper = root.TryGetProperty("tamper", out var t) && Enum.TryParse<Phone.AppStateTamper>(t.GetString(), ignoreCase: true, out var parsed) ? parsed : Phone.AppStateTamper.None;
            var external = root.TryGetProperty("external", out var x) && x.GetBoolean();
            if (index.Count == 0)
            {
                throw AdminProblemException.BadRequest("\"index\" must be a non-empty array of strings.");
            }

            return (new AppStateMutationRequest(remove ? AppStateOperation.Remove : AppStateOperation.Set, index, value, version), tamper, external);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or InvalidProtocolBufferException)
        {
            throw AdminProblemException.BadRequest("The body must be {\"index\": [..], \"value\": {..}, \"version\": n, \"remove\": bool, \"tamper\": \"none|patchMac|valueMac\"}: " + e.Message);
        }
    }
}

/// <summary><c>POST /admin/accounts/{phone}/app-state/keys</c>: how many companions got the key.</summary>
public sealed record AppStateKeysResponse(int Devices);

/// <summary><c>POST /admin/accounts/{phone}/app-state/{collection}/snapshot</c>: the snapshot's version and its blob's direct path.</summary>
public sealed record AppStateSnapshotResponse(ulong Version, string DirectPath);

/// <summary><c>POST /admin/accounts/{phone}/app-state/{collection}</c>: the version the patch got.</summary>
public sealed record AppStateWriteResponse(ulong Version);
