using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.Tests.AppState;

/// <summary>Snapshots (<see cref="AppStateSnapshotCodec"/>) and external mutations (<see cref="AppStateExternalBlobs"/>), docs/PROTOCOL.md §14.</summary>
public sealed class AppStateSnapshotCodecTests
{
    private static readonly byte[] KeyId = [0, 0, 0, 0, 0x42, 0x18];
    private static readonly AppStateKeyRing Keys = AppStateKeyRing.Empty.With(KeyId, RandomNumberGenerator.GetBytes(32));
    private const string Alice = "4915112345678@s.whatsapp.net";
    private const string Bob = "4915187654321@s.whatsapp.net";

    [Fact]
    public void A_compacted_snapshot_decodes_to_the_live_records_and_the_state_the_patches_left()
    {
        var (patches, state) = Write(AppStateCollections.RegularLow,
            Set(["archive", Alice], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3),
            Set(["pin_v1", Bob], new SyncActionValue { PinAction = new PinAction { Pinned = true } }, 5),
            Set(["archive", Bob], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3),
            Set(["archive", Alice], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = false } }, 3),
            new AppStateMutationRequest(AppStateOperation.Remove, ["archive", Bob], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3));

        var snapshot = AppStateSnapshotCodec.Compact(patches);
        var decoded = AppStateSnapshotCodec.Decode(AppStateSnapshotCodec.Parse(snapshot.ToByteArray()), AppStateCollections.RegularLow, Keys);

        Assert.Equal(5UL, decoded.State.Version);
        Assert.Equal(state.Hash, decoded.State.Hash);
        Assert.Equal(2, decoded.State.ValueMacs.Count);
        Assert.All(decoded.Mutations, m => Assert.Equal(AppStateOperation.Set, m.Operation));
        Assert.Equal([["archive", Alice], ["pin_v1", Bob]], decoded.Mutations.Select(m => m.Index.ToArray()).ToArray());
        Assert.False(decoded.Mutations[0].Value.ArchiveChatAction.Archived);
        Assert.True(decoded.Mutations[1].Value.PinAction.Pinned);
    }

    [Fact]
    public void A_patch_after_a_snapshot_verifies_on_the_snapshot_state()
    {
        var (patches, state) = Write(AppStateCollections.RegularLow, Set(["archive", Alice], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3));
        var next = AppStatePatchCodec.Encode(state, Keys, KeyId, [Set(["pin_v1", Alice], new SyncActionValue { PinAction = new PinAction { Pinned = true } }, 5)]);
        next.Patch.Version = new SyncdVersion { Version = 2 };

        var fromSnapshot = AppStateSnapshotCodec.Decode(AppStateSnapshotCodec.Compact(patches), AppStateCollections.RegularLow, Keys);
        var after = AppStatePatchCodec.Decode(next.Patch, fromSnapshot.State, Keys);

        Assert.Equal(next.State.Hash, after.State.Hash);
    }

    [Fact]
    public void A_snapshot_with_a_wrong_mac_is_refused_with_a_typed_error()
    {
        var (patches, _) = Write(AppStateCollections.RegularHigh, Set(["mute", Alice], new SyncActionValue { MuteAction = new MuteAction { Muted = true, MuteEndTimestamp = -1 } }, 2));
        var snapshot = AppStateSnapshotCodec.Compact(patches);
        var mac = snapshot.Mac.ToByteArray();
        mac[0] ^= 1;
        snapshot.Mac = ByteString.CopyFrom(mac);

        var e = Assert.Throws<AppStateException>(() => AppStateSnapshotCodec.Decode(snapshot, AppStateCollections.RegularHigh, Keys));

        Assert.Equal(AppStateFailure.SnapshotMacMismatch, e.Failure);
    }

    [Fact]
    public void A_snapshot_read_as_another_collection_is_refused()
    {
        var (patches, _) = Write(AppStateCollections.RegularHigh, Set(["mute", Alice], new SyncActionValue { MuteAction = new MuteAction { Muted = true } }, 2));

        var e = Assert.Throws<AppStateException>(() => AppStateSnapshotCodec.Decode(AppStateSnapshotCodec.Compact(patches), AppStateCollections.RegularLow, Keys));

        Assert.Equal(AppStateFailure.SnapshotMacMismatch, e.Failure);
    }

    [Fact]
    public void A_snapshot_under_a_key_never_shared_is_refused_as_a_missing_key()
    {
        var (patches, _) = Write(AppStateCollections.RegularLow, Set(["archive", Alice], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3));
        var other = AppStateKeyRing.Empty.With([9, 9], RandomNumberGenerator.GetBytes(32));

        var e = Assert.Throws<AppStateException>(() => AppStateSnapshotCodec.Decode(AppStateSnapshotCodec.Compact(patches), AppStateCollections.RegularLow, other));

        Assert.Equal(AppStateFailure.MissingKey, e.Failure);
    }

    [Fact]
    public void A_snapshot_with_a_tampered_record_is_refused_on_its_value_mac()
    {
        var (patches, _) = Write(AppStateCollections.RegularLow, Set(["archive", Alice], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3));
        var snapshot = AppStateSnapshotCodec.Compact(patches);
        var blob = snapshot.Records[0].Value.Blob.ToByteArray();
        blob[20] ^= 1;
        snapshot.Records[0].Value = new SyncdValue { Blob = ByteString.CopyFrom(blob) };

        var e = Assert.Throws<AppStateException>(() => AppStateSnapshotCodec.Decode(snapshot, AppStateCollections.RegularLow, Keys));

        Assert.Equal(AppStateFailure.ValueMacMismatch, e.Failure);
    }

    [Fact]
    public void A_patch_with_external_mutations_verifies_like_an_inline_one_once_its_blob_is_merged()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.CriticalUnblockLow);
        var encoded = AppStatePatchCodec.Encode(start, Keys, KeyId,
        [
            Set(["contact", Alice], new SyncActionValue { ContactAction = new ContactAction { FullName = "Alice A" } }, 2),
            Set(["contact", Bob], new SyncActionValue { ContactAction = new ContactAction { FullName = "Bob B" } }, 2),
        ]);
        encoded.Patch.Version = new SyncdVersion { Version = 1 };
        var (bare, mutations) = AppStateExternalBlobs.Externalize(encoded.Patch);
        var (blob, reference) = AppStateExternalBlobs.Encrypt(mutations);
        bare.ExternalMutations = reference;

        var unmerged = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(bare, start, Keys));
        var downloaded = AppStateExternalBlobs.ParseMutations(AppStateExternalBlobs.Decrypt(blob, reference));
        var decoded = AppStatePatchCodec.Decode(AppStateExternalBlobs.WithExternalMutations(bare, downloaded), start, Keys);

        Assert.Equal(AppStateFailure.ExternalBlob, unmerged.Failure);
        Assert.Empty(bare.Mutations);
        Assert.Equal(["Alice A", "Bob B"], decoded.Mutations.Select(m => m.Value.ContactAction.FullName));
        Assert.Equal(encoded.State.Hash, decoded.State.Hash);
    }

    [Fact]
    public void A_tampered_external_blob_is_refused_with_a_typed_error()
    {
        var (blob, reference) = AppStateExternalBlobs.Encrypt(new SyncdMutations());
        blob[^1] ^= 1;

        var e = Assert.Throws<AppStateException>(() => AppStateExternalBlobs.Decrypt(blob, reference));

        Assert.Equal(AppStateFailure.ExternalBlob, e.Failure);
    }

    private static AppStateMutationRequest Set(string[] index, SyncActionValue value, int version) =>
        new(AppStateOperation.Set, index, value, version);

    /// <summary>One patch per mutation, each stamped with its version as the server does.</summary>
    private static (List<SyncdPatch> Patches, AppStateCollectionState State) Write(string collection, params AppStateMutationRequest[] mutations)
    {
        var state = AppStateCollectionState.Empty(collection);
        var patches = new List<SyncdPatch>();
        foreach (var mutation in mutations)
        {
            var encoded = AppStatePatchCodec.Encode(state, Keys, KeyId, [mutation]);
            encoded.Patch.Version = new SyncdVersion { Version = encoded.State.Version };
            patches.Add(encoded.Patch);
            state = encoded.State;
        }

        return (patches, state);
    }
}
