using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Interop.Tests.AppState;

/// <summary>
/// Our app-state crypto against two independent implementations: whatsapp-rust-bridge's key expansion and LTHash,
/// and Baileys' encodeSyncdPatch/decodePatches (docs/PROTOCOL.md §14). A patch either side writes, the other verifies.
/// </summary>
[Trait("Category", "Interop")]
public sealed class AppStateInteropTests(AppStatePeerFixture fixture) : IClassFixture<AppStatePeerFixture>
{
    private static readonly byte[] KeyId = [0, 0, 0, 0, 0x11, 0x22];
    private static readonly byte[] KeyData = RandomNumberGenerator.GetBytes(32);
    private const string Jid = "4915112345678@s.whatsapp.net";

    [Fact]
    public async Task Key_expansion_matches_whatsapp_rust_bridge()
    {
        var theirs = await fixture.Peer.CallAsync("expand", new { keyData = Convert.ToBase64String(KeyData) });
        var ours = MutationKeys.Expand(KeyData);

        Assert.Equal(theirs.GetProperty("index").GetString(), Convert.ToBase64String(ours.Index.Span));
        Assert.Equal(theirs.GetProperty("valueEncryption").GetString(), Convert.ToBase64String(ours.ValueEncryption.Span));
        Assert.Equal(theirs.GetProperty("valueMac").GetString(), Convert.ToBase64String(ours.ValueMac.Span));
        Assert.Equal(theirs.GetProperty("snapshotMac").GetString(), Convert.ToBase64String(ours.SnapshotMac.Span));
        Assert.Equal(theirs.GetProperty("patchMac").GetString(), Convert.ToBase64String(ours.PatchMac.Span));
    }

    [Fact]
    public async Task LtHash_subtract_then_add_matches_whatsapp_rust_bridge()
    {
        var start = LtHash.Empty.SubtractThenAdd([], [RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)]);
        var removed = new[] { RandomNumberGenerator.GetBytes(32) };
        var added = new[] { RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32) };

        var theirs = await fixture.Peer.CallAsync("ltHash", new
        {
            @base = Convert.ToBase64String(start.Bytes),
            subtract = removed.Select(Convert.ToBase64String),
            add = added.Select(Convert.ToBase64String),
        });
        var ours = start.SubtractThenAdd(removed.Select(m => (ReadOnlyMemory<byte>)m), added.Select(m => (ReadOnlyMemory<byte>)m));

        Assert.Equal(theirs.GetString(), Convert.ToBase64String(ours.Bytes));
    }

    [Fact]
    public async Task Patches_Baileys_encodes_verify_and_decode_here_across_two_versions()
    {
        var ring = AppStateKeyRing.Empty.With(KeyId, KeyData);
        var ours = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var theirState = StateJson(ours);
        foreach (var archived in new[] { true, false })
        {
            var encoded = await fixture.Peer.CallAsync("encode", new
            {
                keyId = Convert.ToBase64String(KeyId),
                keyData = Convert.ToBase64String(KeyData),
                name = ours.Name,
                state = theirState,
                index = new[] { "archive", Jid },
                syncAction = new { timestamp = 1_700_000_000_000, archiveChatAction = new { archived } },
                apiVersion = 3,
                remove = false,
            });
            var patch = SyncdPatch.Parser.ParseFrom(Convert.FromBase64String(encoded.GetProperty("patch").GetString()!));
            patch.Version = new SyncdVersion { Version = ours.Version + 1 };

            var decoded = AppStatePatchCodec.Decode(patch, ours, ring);

            var mutation = Assert.Single(decoded.Mutations);
            Assert.Equal(["archive", Jid], mutation.Index);
            Assert.Equal(archived, mutation.Value.ArchiveChatAction.Archived);
            Assert.Equal(encoded.GetProperty("state").GetProperty("hash").GetString(), Convert.ToBase64String(decoded.State.Hash.Bytes));
            ours = decoded.State;
            theirState = encoded.GetProperty("state");
        }
    }

    [Fact]
    public async Task Patches_encoded_here_pass_every_check_in_Baileys()
    {
        var ring = AppStateKeyRing.Empty.With(KeyId, KeyData);
        var state = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        foreach (var (index, value, version) in new (string[], SyncActionValue, int)[]
        {
            (["archive", Jid], new SyncActionValue { Timestamp = 1, ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3),
            (["markChatAsRead", Jid], new SyncActionValue { Timestamp = 2, MarkChatAsReadAction = new MarkChatAsReadAction { Read = true } }, 3),
            (["archive", Jid], new SyncActionValue { Timestamp = 3, ArchiveChatAction = new ArchiveChatAction { Archived = false } }, 3),
        })
        {
            var encoded = AppStatePatchCodec.Encode(state, ring, KeyId, [new AppStateMutationRequest(AppStateOperation.Set, index, value, version)]);

            var theirs = await fixture.Peer.CallAsync("decode", new
            {
                keyId = Convert.ToBase64String(KeyId),
                keyData = Convert.ToBase64String(KeyData),
                name = state.Name,
                state = StateJson(state),
                patch = Convert.ToBase64String(encoded.Patch.ToByteArray()),
                version = state.Version + 1,
            });

            Assert.Empty(theirs.GetProperty("warnings").EnumerateArray());
            var mutation = Assert.Single(theirs.GetProperty("mutations").EnumerateArray());
            Assert.Equal(index, mutation.GetProperty("index").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Equal(version, mutation.GetProperty("version").GetInt32());
            Assert.Equal(Convert.ToBase64String(encoded.State.Hash.Bytes), theirs.GetProperty("state").GetProperty("hash").GetString());
            state = encoded.State;
        }
    }

    private static object StateJson(AppStateCollectionState state) => new
    {
        version = (int)state.Version,
        hash = Convert.ToBase64String(state.Hash.Bytes),
        indexValueMap = state.ValueMacs.ToDictionary(p => p.Key, p => Convert.ToBase64String(p.Value.Span)),
    };
}
