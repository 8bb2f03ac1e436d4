using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.Tests.AppState;

/// <summary>Round trips through <see cref="AppStatePatchCodec"/> and each <see cref="AppStateFailure"/> it raises.</summary>
public sealed class AppStatePatchCodecTests
{
    private static readonly byte[] KeyId = [0, 0, 0, 0, 0x42, 0x17];
    private static readonly AppStateKeyRing Keys = AppStateKeyRing.Empty.With(KeyId, RandomNumberGenerator.GetBytes(32));
    private const string Jid = "4915112345678@s.whatsapp.net";

    [Fact]
    public void An_encoded_patch_decodes_to_its_mutation_and_the_same_state()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var encoded = Archive(start, archived: true);

        var decoded = AppStatePatchCodec.Decode(WithVersion(encoded.Patch, 1), start, Keys);

        var mutation = Assert.Single(decoded.Mutations);
        Assert.Equal(AppStateOperation.Set, mutation.Operation);
        Assert.Equal(["archive", Jid], mutation.Index);
        Assert.True(mutation.Value.ArchiveChatAction.Archived);
        Assert.Equal(3, mutation.ActionVersion);
        Assert.Equal(1UL, decoded.State.Version);
        Assert.Equal(encoded.State.Hash, decoded.State.Hash);
        Assert.Single(decoded.State.ValueMacs);
    }

    [Fact]
    public void Overwriting_an_index_replaces_its_value_mac_in_the_hash()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var first = Archive(start, archived: true);
        var second = Archive(first.State, archived: false);

        var decoded = AppStatePatchCodec.Decode(WithVersion(second.Patch, 2), first.State, Keys);
        var onlySecond = Archive(start, archived: false);

        Assert.Single(decoded.State.ValueMacs);
        Assert.Equal(second.State.Hash, decoded.State.Hash);
        // The hash names the live set only: one live record has the hash its value MAC alone gives.
        var liveMac = Assert.Single(decoded.State.ValueMacs).Value;
        Assert.Equal(LtHash.Empty.SubtractThenAdd([], [liveMac]), decoded.State.Hash);
        Assert.NotEqual(onlySecond.State.Hash, first.State.Hash);
    }

    [Fact]
    public void A_remove_takes_the_record_out_of_the_hash()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var set = Archive(start, archived: true);
        var remove = AppStatePatchCodec.Encode(set.State, Keys, KeyId,
            [new AppStateMutationRequest(AppStateOperation.Remove, ["archive", Jid], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3)]);

        var decoded = AppStatePatchCodec.Decode(WithVersion(remove.Patch, 2), set.State, Keys);

        Assert.Equal(AppStateOperation.Remove, Assert.Single(decoded.Mutations).Operation);
        Assert.Empty(decoded.State.ValueMacs);
        Assert.Equal(LtHash.Empty, decoded.State.Hash);
    }

    [Fact]
    public void A_tampered_value_mac_is_refused_with_a_typed_error()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = WithVersion(Archive(start, archived: true).Patch, 1);
        var blob = patch.Mutations[0].Record.Value.Blob.ToByteArray();
        blob[20] ^= 0x01;
        patch.Mutations[0].Record.Value.Blob = ByteString.CopyFrom(blob);
        // The patch MAC covers the carried value MAC, not the ciphertext: re-sign it so the value check is the one that fails.
        Resign(patch, start.Name);

        var failure = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(patch, start, Keys));

        Assert.Equal(AppStateFailure.ValueMacMismatch, failure.Failure);
    }

    [Fact]
    public void A_tampered_patch_mac_is_refused_with_a_typed_error()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = WithVersion(Archive(start, archived: true).Patch, 1);
        var mac = patch.PatchMAC.ToByteArray();
        mac[0] ^= 0x01;
        patch.PatchMAC = ByteString.CopyFrom(mac);

        var failure = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(patch, start, Keys));

        Assert.Equal(AppStateFailure.PatchMacMismatch, failure.Failure);
    }

    [Fact]
    public void A_patch_built_on_another_state_fails_the_snapshot_mac()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        // The sender also holds a pin record this device never saw.
        var pinned = AppStatePatchCodec.Encode(start, Keys, KeyId,
            [new AppStateMutationRequest(AppStateOperation.Set, ["pin_v1", Jid], new SyncActionValue { PinAction = new PinAction { Pinned = true } }, 5)]);
        var patch = WithVersion(Archive(pinned.State with { Version = 0 }, archived: false).Patch, 1);

        var failure = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(patch, start, Keys));

        Assert.Equal(AppStateFailure.SnapshotMacMismatch, failure.Failure);
    }

    [Fact]
    public void A_patch_that_skips_a_version_is_a_version_gap()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = WithVersion(Archive(start, archived: true).Patch, 2);

        var failure = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(patch, start, Keys));

        Assert.Equal(AppStateFailure.VersionGap, failure.Failure);
    }

    [Fact]
    public void A_patch_under_an_unknown_key_is_a_missing_key()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = WithVersion(Archive(start, archived: true).Patch, 1);
        var stranger = AppStateKeyRing.Empty.With([9, 9], RandomNumberGenerator.GetBytes(32));

        var failure = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(patch, start, stranger));

        Assert.Equal(AppStateFailure.MissingKey, failure.Failure);
    }

    [Fact]
    public void A_record_whose_index_mac_names_another_index_is_refused()
    {
        var start = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var patch = WithVersion(Archive(start, archived: true).Patch, 1);
        patch.Mutations[0].Record.Index.Blob = ByteString.CopyFrom(AppStateMacs.IndexMac(Keys.Get(KeyId), AppStateIndex.Encode(["pin_v1", Jid])));
        Resign(patch, start.Name, rehash: true);

        var failure = Assert.Throws<AppStateException>(() => AppStatePatchCodec.Decode(patch, start, Keys));

        Assert.Equal(AppStateFailure.IndexMacMismatch, failure.Failure);
    }

    [Fact]
    public void An_index_is_written_as_JSON_stringify_writes_it()
    {
        Assert.Equal("[\"archive\",\"a+b@s.whatsapp.net\",\"q\\\"\\\\\\n\",\"é\"]",
            System.Text.Encoding.UTF8.GetString(AppStateIndex.Encode(["archive", "a+b@s.whatsapp.net", "q\"\\\n", "é"])));
        Assert.Equal(["setting_pushName"], AppStateIndex.Decode("[\"setting_pushName\"]"u8));
    }

    private static AppStateEncodedPatch Archive(AppStateCollectionState state, bool archived) =>
        AppStatePatchCodec.Encode(state, Keys, KeyId,
            [new AppStateMutationRequest(AppStateOperation.Set, ["archive", Jid], new SyncActionValue { Timestamp = 1_700_000_000_000, ArchiveChatAction = new ArchiveChatAction { Archived = archived } }, 3)]);

    private static SyncdPatch WithVersion(SyncdPatch patch, ulong version)
    {
        var copy = patch.Clone();
        copy.Version = new SyncdVersion { Version = version };
        return copy;
    }

    /// <summary>Signs a tampered patch again so the check under test is the first to fail.</summary>
    private static void Resign(SyncdPatch patch, string name, bool rehash = false)
    {
        var keys = Keys.Get(KeyId);
        var version = patch.Version.Version;
        var macs = patch.Mutations.Select(m => (ReadOnlyMemory<byte>)m.Record.Value.Blob.ToByteArray().AsMemory(^32..)).ToList();
        if (rehash)
        {
            var hash = LtHash.Empty.SubtractThenAdd([], macs);
            patch.SnapshotMAC = ByteString.CopyFrom(AppStateMacs.SnapshotMac(keys, hash, version, name));
        }

        patch.PatchMAC = ByteString.CopyFrom(AppStateMacs.PatchMac(keys, patch.SnapshotMAC.Span, macs, version, name));
    }
}
