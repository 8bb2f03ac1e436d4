using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// One collection of a <c>w:sync:app:state</c> answer: its patches in order, whether more follow, and the reference of a
/// snapshot before them. <see cref="AppStateBlobs.ResolveAsync"/> fills <see cref="Snapshot"/> and merges external
/// mutations, or names the blob it could not have in <see cref="BlobFailure"/>.
/// </summary>
internal sealed record FetchedCollection(string Name, IReadOnlyList<SyncdPatch> Patches, bool HasMore, bool Failed)
{
    public ExternalBlobReference? SnapshotReference { get; init; }

    public SyncdSnapshot? Snapshot { get; init; }

    public AppStateException? BlobFailure { get; init; }
}

/// <summary>
/// The wire and journal forms of app-state sync for the session (docs/PROTOCOL.md §14): the fetch and upload iqs, their
/// answers, the sealed key ring and stored collection state, and the events a verified mutation becomes. Pure: the actor
/// does the I/O.
/// </summary>
internal static class AppStateSyncs
{
    /// <summary>The fetch: every collection from the version it is at, asking a snapshot from version 0 (BL resyncAppState).</summary>
    public static Node FetchQuery(string id, IEnumerable<(string Name, ulong Version)> collections) =>
        new("iq", [("id", id), ("xmlns", "w:sync:app:state"), ("type", "set"), ("to", "s.whatsapp.net")],
        [
            new Node("sync", null, collections.Select(c => new Node("collection",
                [("name", c.Name), ("version", c.Version.ToString(CultureInfo.InvariantCulture)), ("return_snapshot", c.Version == 0 ? "true" : "false")])).ToList()),
        ]);

    /// <summary>The upload of one patch built on <paramref name="baseVersion"/> (BL appPatch).</summary>
    public static Node UploadQuery(string id, string name, ulong baseVersion, SyncdPatch patch) =>
        new("iq", [("id", id), ("xmlns", "w:sync:app:state"), ("type", "set"), ("to", "s.whatsapp.net")],
        [
            new Node("sync", null,
            [
                new Node("collection", [("name", name), ("version", baseVersion.ToString(CultureInfo.InvariantCulture)), ("return_snapshot", "false")],
                    [new Node("patch", null, patch.ToByteArray())]),
            ]),
        ]);

    /// <summary>Reads a fetch answer; a patch without a version gets the collection's version + its place, as BL does.</summary>
    /// <exception cref="FormatException">Not a sync answer, or a patch that is not a SyncdPatch.</exception>
    public static IReadOnlyList<FetchedCollection> ReadFetch(Node result)
    {
        var sync = result.GetOptionalChild("sync") ?? throw new FormatException("The app state answer has no <sync>.");
        var collections = new List<FetchedCollection>();
        foreach (var collection in sync.GetChildren("collection"))
        {
            var name = collection.GetOptionalString("name") ?? throw new FormatException("An app state collection has no name.");
            if (collection.GetOptionalString("type") == "error" || collection.GetOptionalChild("error") is not null)
            {
                collections.Add(new FetchedCollection(name, [], false, Failed: true));
                continue;
            }

            var patches = new List<SyncdPatch>();
            foreach (var node in (collection.GetOptionalChild("patches") ?? collection).GetChildren("patch"))
            {
                try
                {
                    patches.Add(SyncdPatch.Parser.ParseFrom(node.Bytes.Span));
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new FormatException($"A {name} patch is not a SyncdPatch: {e.Message}", e);
                }
            }

            ExternalBlobReference? snapshot = null;
            if (collection.GetOptionalChild("snapshot") is { Bytes.IsEmpty: false } snapshotNode)
            {
                try
                {
                    snapshot = ExternalBlobReference.Parser.ParseFrom(snapshotNode.Bytes.Span);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new FormatException($"The {name} snapshot is not an ExternalBlobReference: {e.Message}", e);
                }
            }

            collections.Add(new FetchedCollection(name, patches, collection.GetOptionalString("has_more_patches") == "true", Failed: false) { SnapshotReference = snapshot });
        }

        return collections;
    }

    /// <summary>The key ring as its journal event; the keys are sealed under the session's context.</summary>
    public static AppStateKeysStored SealKeys(IReadOnlyList<(byte[] Id, byte[] Data)> keys, SecretBox box, ReadOnlySpan<byte> sessionContext)
    {
        var secrets = new AppStateKeySecrets();
        secrets.Keys.AddRange(keys.Select(k => new AppStateKeySecret { KeyId = ByteString.CopyFrom(k.Id), KeyData = ByteString.CopyFrom(k.Data) }));
        var plain = secrets.ToByteArray();
        try
        {
            return new AppStateKeysStored { SealedKeys = ByteString.CopyFrom(box.Seal(plain, KeysContext(sessionContext))) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Opens what <see cref="SealKeys"/> sealed; a wrong key or changed bytes are a <see cref="SecretsException"/>.</summary>
    public static IReadOnlyList<(byte[] Id, byte[] Data)> OpenKeys(AppStateKeysStored stored, SecretBox box, ReadOnlySpan<byte> sessionContext)
    {
        var plain = box.Open(stored.SealedKeys.Span, KeysContext(sessionContext));
        try
        {
            return [.. AppStateKeySecrets.Parser.ParseFrom(plain).Keys.Select(k => (k.KeyId.ToByteArray(), k.KeyData.ToByteArray()))];
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SecretsException(SecretsFailure.Tampered, $"Sealed app-state keys opened but do not read as keys: {e.GetType().Name}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The keys a key-share message carries (empty entries skipped).</summary>
    public static IReadOnlyList<(byte[] Id, byte[] Data)> SharedKeys(AppStateSyncKeyShare share) =>
        [.. share.Keys.Where(k => k.KeyID is { KeyID.IsEmpty: false } && k.KeyData is { KeyData.IsEmpty: false })
            .Select(k => (k.KeyID.KeyID.ToByteArray(), k.KeyData.KeyData.ToByteArray()))];

    public static AppStateKeyRing Ring(IEnumerable<(byte[] Id, byte[] Data)> keys) =>
        keys.Aggregate(AppStateKeyRing.Empty, (ring, key) => ring.With(key.Id, key.Data));

    /// <summary>A collection's state and the version it expects next, as its journal event.</summary>
    public static AppStateCollectionStored ToRecord(AppStateCollectionState state, ulong nextVersion)
    {
        var record = new AppStateCollectionStored { Name = state.Name, Version = state.Version, LtHash = ByteString.CopyFrom(state.Hash.Bytes), NextVersion = nextVersion };
        record.ValueMacs.AddRange(state.ValueMacs.Select(p => new AppStateValueMac
        {
            IndexMac = ByteString.CopyFrom(Convert.FromBase64String(p.Key)),
            ValueMac = ByteString.CopyFrom(p.Value.Span),
        }));
        return record;
    }

    public static (AppStateCollectionState State, ulong NextVersion) FromRecord(AppStateCollectionStored record)
    {
        var macs = record.ValueMacs.ToImmutableDictionary(m => Convert.ToBase64String(m.IndexMac.Span), m => (ReadOnlyMemory<byte>)m.ValueMac.ToByteArray());
        var state = new AppStateCollectionState(record.Name, record.Version, LtHash.FromBytes(record.LtHash.Span), macs);
        return (state, Math.Max(record.NextVersion, record.Version + 1));
    }

    /// <summary>
    /// The event a verified mutation becomes (docs/PROTOCOL.md §14 index table), or null for an action this node does not
    /// report (stars, labels, settings other than the push name, …).
    /// </summary>
    public static SessionEventBody? BodyOf(AppStateMutation mutation, bool byThisSession)
    {
        var value = mutation.Value;
        DateTimeOffset? at = value.HasTimestamp && value.Timestamp > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(value.Timestamp) : null;
        var target = mutation.Index.Count > 1 ? mutation.Index[1] : null;
        var set = mutation.Operation == AppStateOperation.Set;
        return (mutation.Action, target) switch
        {
            ("archive", { } chat) => new ChatSettingChangedBody(chat, ChatSetting.Archived, set && (value.ArchiveChatAction?.Archived ?? true), null, at, byThisSession),
            ("unarchive", { } chat) => new ChatSettingChangedBody(chat, ChatSetting.Archived, false, null, at, byThisSession),
            ("pin_v1", { } chat) => new ChatSettingChangedBody(chat, ChatSetting.Pinned, set && (value.PinAction?.Pinned ?? false), null, at, byThisSession),
            ("markChatAsRead", { } chat) => new ChatSettingChangedBody(chat, ChatSetting.Read, set && (value.MarkChatAsReadAction?.Read ?? false), null, at, byThisSession),
            ("mute", { } chat) => Mute(chat, set ? value.MuteAction : null, at, byThisSession),
            ("contact", { } jid) => new ContactUpdatedBody(jid, Empty(value.ContactAction?.FullName), Empty(value.ContactAction?.FirstName), Empty(value.ContactAction?.LidJID), !set, at),
            ("setting_pushName", _) when set && !string.IsNullOrEmpty(value.PushNameSetting?.Name) => new PushNameChangedBody(value.PushNameSetting.Name, at),
            _ => null,
        };
    }

    /// <summary>The patch that archives/unarchives, pins/unpins or marks a chat read/unread (BL chatModificationToAppPatch), and its collection.</summary>
    public static (string Collection, AppStateMutationRequest Mutation) ChatModification(string chat, ChatSetting setting, bool on, DateTimeOffset now)
    {
        var value = new SyncActionValue { Timestamp = now.ToUnixTimeMilliseconds() };
        var range = new SyncActionMessageRange { LastMessageTimestamp = now.ToUnixTimeSeconds() };
        return setting switch
        {
            ChatSetting.Archived => (AppStateCollections.RegularLow, Set(["archive", chat], value.With(v => v.ArchiveChatAction = new ArchiveChatAction { Archived = on, MessageRange = range }), 3)),
            ChatSetting.Read => (AppStateCollections.RegularLow, Set(["markChatAsRead", chat], value.With(v => v.MarkChatAsReadAction = new MarkChatAsReadAction { Read = on, MessageRange = range }), 3)),
            ChatSetting.Pinned => (AppStateCollections.RegularLow, Set(["pin_v1", chat], value.With(v => v.PinAction = new PinAction { Pinned = on }), 5)),
            ChatSetting.Muted => (AppStateCollections.RegularHigh, Set(["mute", chat], value.With(v => v.MuteAction = new MuteAction { Muted = on, MuteEndTimestamp = on ? -1 : 0 }), 2)),
            _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "Not a chat setting."),
        };
    }

    private static AppStateMutationRequest Set(string[] index, SyncActionValue value, int version) => new(AppStateOperation.Set, index, value, version);

    private static SyncActionValue With(this SyncActionValue value, Action<SyncActionValue> set)
    {
        set(value);
        return value;
    }

    private static ChatSettingChangedBody Mute(string chat, MuteAction? mute, DateTimeOffset? at, bool byThisSession)
    {
        var muted = mute?.Muted ?? false;
        DateTimeOffset? end = muted && mute!.MuteEndTimestamp > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(mute.MuteEndTimestamp) : null;
        return new ChatSettingChangedBody(chat, ChatSetting.Muted, muted, end, at, byThisSession);
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static byte[] KeysContext(ReadOnlySpan<byte> sessionContext) => [.. sessionContext, .. "/app-state-keys"u8];
}
