using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.AppState;

/// <summary>
/// <c>&lt;iq xmlns="w:sync:app:state" type="set"&gt;&lt;sync&gt;&lt;collection name version …/&gt;…</c> (docs/PROTOCOL.md §14).
/// A collection without <c>&lt;patch&gt;</c> children is a fetch: it is answered with the patches after the asked version,
/// <see cref="PageSize"/> at a time with <c>has_more_patches="true"</c> while more follow, never with a snapshot. A collection
/// with patches (directly or under <c>&lt;patches&gt;</c>, Baileys appPatch puts them directly) is an upload built on the
/// collection's <c>version</c>: it is stored when that is the current version, else the whole iq gets 409 conflict and the
/// writer must fetch and rebuild. After an upload the account's other companions get
/// <c>&lt;notification type="server_sync"&gt;&lt;collection name version/&gt;&lt;/notification&gt;</c>.
/// </summary>
/// <remarks>
/// The first fetch by a companion the phone has not given the app-state keys yet makes the phone share them
/// (<see cref="Phone.Phone.ShareAppStateKeysAsync"/>): the real phone shares them right after linking, and a companion
/// fetches as soon as it logs in, so the fetch is the first moment the simulator's phone can reach it.
/// </remarks>
internal sealed partial class AppStateSync(AppStatePatches patches, DeviceQueues queues, Func<Phone.PhoneDirectory> phones, TimeProvider clock, ILogger<AppStateSync> logger)
{
    /// <summary>Patches per collection in one answer; more are announced with has_more_patches (Baileys fetches again).</summary>
    public const int PageSize = 50;

    private long _notificationIds;

    /// <summary>The stored patches.</summary>
    public AppStatePatches Patches => patches;

    public async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        if (iq.GetString("type") != "set")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "App state sync is an iq set.");
        }

        var device = connection.LoggedIn ?? throw new IqRequestException(IqErrorCode.NotAuthorized, "App state belongs to a logged-in device.");
        var sync = IqRouter.RequireChild(iq, "sync");
        var requests = sync.Children.Select(Parse).ToList();
        if (requests.Count == 0)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<sync> names no collection.");
        }

        var answers = new List<Node>();
        var written = new List<(string Name, ulong Version)>();
        foreach (var (name, version, uploads) in requests)
        {
            if (uploads.Count == 0)
            {
                answers.Add(Fetch(device.Account, name, version));
                continue;
            }

            var current = version;
            foreach (var upload in uploads)
            {
                current = patches.TryAppend(device.Account.Phone, name, current, upload)
                    ?? throw new IqRequestException(IqErrorCode.Conflict, $"{name} is at version {patches.Version(device.Account.Phone, name)}, not {current}; fetch and rebuild the patch.");
            }

            LogUploaded(logger, device.Account.Phone, device.Device.DeviceId, name, current);
            written.Add((name, current));
            answers.Add(new Node("collection", [("name", name), ("version", current.ToString(CultureInfo.InvariantCulture))]));
        }

        foreach (var (name, version) in written)
        {
            await NotifyAsync(device.Account, device.Device.DeviceId, name, version, cancellationToken).ConfigureAwait(false);
        }

        if (written.Count == 0)
        {
            var phone = phones().Get(device.Account);
            if (!phone.HasSharedAppStateKeys(device.Device.DeviceId))
            {
                await phone.ShareAppStateKeysAsync([device.Device.DeviceId], cancellationToken).ConfigureAwait(false);
            }
        }

        return ServerStanzas.IqResult(iq, new Node("sync", null, answers));
    }

    /// <summary>Tells the account's companions other than <paramref name="writer"/> that <paramref name="collection"/> changed.</summary>
    public async Task NotifyAsync(Account account, int writer, string collection, ulong version, CancellationToken cancellationToken)
    {
        var notification = new Node(
            "notification",
            [
                ("from", account.Jid.ToString()),
                ("type", "server_sync"),
                ("id", "sync." + Interlocked.Increment(ref _notificationIds).ToString(CultureInfo.InvariantCulture)),
                ("t", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ],
            [new Node("collection", [("name", collection), ("version", version.ToString(CultureInfo.InvariantCulture))])]);
        foreach (var companion in account.Devices.Where(d => d.DeviceId != writer))
        {
            await queues.EnqueueAsync(account, companion.DeviceId, notification, cancellationToken).ConfigureAwait(false);
        }
    }

    private Node Fetch(Account account, string name, ulong after)
    {
        var (page, hasMore) = patches.After(account.Phone, name, after, PageSize);
        var version = after + (ulong)page.Count;
        List<NodeAttribute> attributes = [("name", name), ("version", version.ToString(CultureInfo.InvariantCulture))];
        if (hasMore)
        {
            attributes.Add(("has_more_patches", "true"));
        }

        return page.Count == 0
            ? new Node("collection", attributes)
            : new Node("collection", attributes, [new Node("patches", null, page.Select(p => new Node("patch", null, p)).ToList())]);
    }

    private static (string Name, ulong Version, IReadOnlyList<SyncdPatch> Uploads) Parse(Node collection)
    {
        if (collection.Tag != "collection")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"<sync> holds <collection> nodes, not <{collection.Tag}>.");
        }

        var name = collection.GetString("name");
        if (!AppStateCollections.IsKnown(name))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"'{name}' is not an app state collection.");
        }

        if (!ulong.TryParse(collection.GetOptionalString("version") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"The {name} version is not a whole number.");
        }

        var patchNodes = (collection.GetOptionalChild("patches") ?? collection).GetChildren("patch").ToList();
        var uploads = new List<SyncdPatch>(patchNodes.Count);
        foreach (var patch in patchNodes)
        {
            try
            {
                uploads.Add(SyncdPatch.Parser.ParseFrom(patch.Bytes.Span));
            }
            catch (InvalidProtocolBufferException)
            {
                throw new IqRequestException(IqErrorCode.BadRequest, $"A {name} <patch> is not a SyncdPatch.");
            }
        }

        return (name, version, uploads);
    }

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Account {Phone}: device {Device} wrote {Collection}, now version {Version}")]
    private static partial void LogUploaded(ILogger logger, string phone, int device, string collection, ulong version);
}
