using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Media;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.AppState;

/// <summary>
/// <c>&lt;iq xmlns="w:sync:app:state" type="set"&gt;&lt;sync&gt;&lt;collection name version …/&gt;…</c> (docs/PROTOCOL.md §14).
/// A collection without <c>&lt;patch&gt;</c> children is a fetch: it is answered with the patches after the asked version,
/// <see cref="PageSize"/> at a time with <c>has_more_patches="true"</c> while more follow. A fetch from version 0 with
/// <c>return_snapshot="true"</c> of a collection that was compacted (<see cref="CompactAsync"/>) is answered with
/// <c>&lt;snapshot&gt;</c> (the ExternalBlobReference of the uploaded SyncdSnapshot) and the patches after it. A collection
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
        foreach (var (name, version, snapshot, uploads) in requests)
        {
            if (uploads.Count == 0)
            {
                answers.Add(Fetch(device.Account, name, version, snapshot));
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

    /// <summary>
    /// Compacts the collection's patches into a snapshot at its current version, as the server keeps one (docs/PROTOCOL.md
    /// §14 "The simulator"): the live records, the last patch's snapshot MAC and key id (the server has no keys), encrypted
    /// as an App State blob and uploaded to <paramref name="media"/>. With <paramref name="tamperMac"/> the MAC's last bit is
    /// flipped, so readers must refuse it. Returns the snapshot's version and the blob's direct path.
    /// </summary>
    /// <exception cref="InvalidOperationException">The collection has no patches.</exception>
    public (ulong Version, string DirectPath) Compact(Account account, string collection, bool tamperMac, MediaStore media)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(media);
        var all = new List<SyncdPatch>();
        while (true)
        {
            var (page, hasMore) = patches.After(account.Phone, collection, (ulong)all.Count, PageSize);
            all.AddRange(page.Select(p => Inline(SyncdPatch.Parser.ParseFrom(p), media)));
            if (!hasMore)
            {
                break;
            }
        }

        if (all.Count == 0)
        {
            throw new InvalidOperationException($"{collection} has no patches to compact.");
        }

        var snapshot = AppStateSnapshotCodec.Compact(all);
        if (tamperMac)
        {
            var mac = snapshot.Mac.ToByteArray();
            mac[^1] ^= 0x01;
            snapshot.Mac = ByteString.CopyFrom(mac);
        }

        var (blob, reference) = AppStateExternalBlobs.Encrypt(snapshot);
        reference.DirectPath = media.Add(MediaKinds.MmsType(MediaKind.AppState), blob).DirectPath;
        reference.Handle = "snapshot." + collection;
        var version = snapshot.Version.Version;
        patches.SetSnapshot(account.Phone, collection, version, reference);
        LogCompacted(logger, account.Phone, collection, version, snapshot.Records.Count);
        return (version, reference.DirectPath);
    }

    /// <summary>
    /// The patch with its external mutations (if any) read from the media store and merged back, for the simulator's own
    /// readers (the server and the phone hold the blob's reference, as any device that downloads it).
    /// </summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.ExternalBlob"/>: the blob is gone or fails its checks.</exception>
    public static SyncdPatch Inline(SyncdPatch patch, MediaStore? media)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (patch.ExternalMutations is not { } reference)
        {
            return patch;
        }

        var blob = media?.Find(reference.DirectPath)
            ?? throw new AppStateException(AppStateFailure.ExternalBlob, "The media store no longer holds the patch's external mutations.");
        return AppStateExternalBlobs.WithExternalMutations(patch, AppStateExternalBlobs.ParseMutations(AppStateExternalBlobs.Decrypt(blob.Content, reference)));
    }

    private Node Fetch(Account account, string name, ulong after, bool returnSnapshot)
    {
        Node? snapshotNode = null;
        if (after == 0 && returnSnapshot && patches.Snapshot(account.Phone, name) is { } snapshot)
        {
            snapshotNode = new Node("snapshot", null, snapshot.Reference.ToByteArray());
            after = snapshot.Version;
        }

        var (page, hasMore) = patches.After(account.Phone, name, after, PageSize);
        var version = after + (ulong)page.Count;
        List<NodeAttribute> attributes = [("name", name), ("version", version.ToString(CultureInfo.InvariantCulture))];
        if (hasMore)
        {
            attributes.Add(("has_more_patches", "true"));
        }

        var children = new List<Node>();
        if (page.Count > 0)
        {
            children.Add(new Node("patches", null, page.Select(p => new Node("patch", null, p)).ToList()));
        }

        if (snapshotNode is not null)
        {
            children.Add(snapshotNode);
        }

        return children.Count == 0 ? new Node("collection", attributes) : new Node("collection", attributes, children);
    }

    private static (string Name, ulong Version, bool ReturnSnapshot, IReadOnlyList<SyncdPatch> Uploads) Parse(Node collection)
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

        return (name, version, collection.GetOptionalString("return_snapshot") == "true", uploads);
    }

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Account {Phone}: {Collection} compacted into a snapshot at version {Version} ({Records} records)")]
    private static partial void LogCompacted(ILogger logger, string phone, string collection, ulong version, int records);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Account {Phone}: device {Device} wrote {Collection}, now version {Version}")]
    private static partial void LogUploaded(ILogger logger, string phone, int device, string collection, ulong version);
}
