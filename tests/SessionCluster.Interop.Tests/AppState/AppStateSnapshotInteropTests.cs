using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Interop.Tests.AppState;

/// <summary>
/// Snapshots (docs/PROTOCOL.md §14 "Snapshots") against Baileys' decodeSyncdSnapshot: a snapshot compacted here from
/// patches Baileys wrote verifies in Baileys without a warning and decodes here to the same state Baileys' patches left.
/// </summary>
[Trait("Category", "Interop")]
public sealed class AppStateSnapshotInteropTests(AppStatePeerFixture fixture) : IClassFixture<AppStatePeerFixture>
{
    private static readonly byte[] KeyId = [0, 0, 0, 0, 0x33, 0x44];
    private static readonly byte[] KeyData = RandomNumberGenerator.GetBytes(32);
    private const string Alice = "4915112345678@s.whatsapp.net";
    private const string Bob = "4915187654321@s.whatsapp.net";

    [Fact]
    public async Task A_snapshot_of_patches_Baileys_wrote_verifies_in_Baileys_and_here_to_the_same_state()
    {
        var patches = new List<SyncdPatch>();
        object state = new { version = 0, hash = Convert.ToBase64String(LtHash.Empty.Bytes), indexValueMap = new Dictionary<string, string>() };
        System.Text.Json.JsonElement last = default;
        foreach (var (index, action) in new (string[] Index, object Action)[]
        {
            (["archive", Alice], new { timestamp = 1, archiveChatAction = new { archived = true } }),
            (["archive", Bob], new { timestamp = 2, archiveChatAction = new { archived = true } }),
            (["archive", Alice], new { timestamp = 3, archiveChatAction = new { archived = false } }),
        })
        {
            last = await fixture.Peer.CallAsync("encode", new
            {
                keyId = Convert.ToBase64String(KeyId),
                keyData = Convert.ToBase64String(KeyData),
                name = AppStateCollections.RegularLow,
                state,
                index,
                syncAction = action,
                apiVersion = 3,
                remove = false,
            });
            var patch = SyncdPatch.Parser.ParseFrom(Convert.FromBase64String(last.GetProperty("patch").GetString()!));
            patch.Version = new SyncdVersion { Version = (ulong)patches.Count + 1 };
            patches.Add(patch);
            state = last.GetProperty("state");
        }

        var snapshot = AppStateSnapshotCodec.Compact(patches);
        var theirs = await fixture.Peer.CallAsync("decodeSnapshot", new
        {
            keyId = Convert.ToBase64String(KeyId),
            keyData = Convert.ToBase64String(KeyData),
            name = AppStateCollections.RegularLow,
            snapshot = Convert.ToBase64String(snapshot.ToByteArray()),
        });
        var ours = AppStateSnapshotCodec.Decode(snapshot, AppStateCollections.RegularLow, AppStateKeyRing.Empty.With(KeyId, KeyData));

        var expectedHash = last.GetProperty("state").GetProperty("hash").GetString();
        Assert.Empty(theirs.GetProperty("warnings").EnumerateArray());
        Assert.Equal(expectedHash, theirs.GetProperty("state").GetProperty("hash").GetString());
        Assert.Equal(3, theirs.GetProperty("state").GetProperty("version").GetInt32());
        Assert.Equal(expectedHash, Convert.ToBase64String(ours.State.Hash.Bytes));
        Assert.Equal(2, theirs.GetProperty("mutations").GetArrayLength());
        Assert.Equal(
            theirs.GetProperty("mutations").EnumerateArray().Select(m => m.GetProperty("index")[1].GetString()).Order(),
            ours.Mutations.Select(m => m.Index[1]).Order());
    }

    [Fact]
    public async Task Baileys_reports_a_snapshot_whose_mac_is_wrong()
    {
        var ring = AppStateKeyRing.Empty.With(KeyId, KeyData);
        var encoded = AppStatePatchCodec.Encode(AppStateCollectionState.Empty(AppStateCollections.RegularHigh), ring, KeyId,
            [new AppStateMutationRequest(AppStateOperation.Set, ["mute", Alice], new SyncActionValue { MuteAction = new MuteAction { Muted = true } }, 2)]);
        encoded.Patch.Version = new SyncdVersion { Version = 1 };
        var snapshot = AppStateSnapshotCodec.Compact([encoded.Patch]);
        snapshot.Mac = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32));

        var theirs = await fixture.Peer.CallAsync("decodeSnapshot", new
        {
            keyId = Convert.ToBase64String(KeyId),
            keyData = Convert.ToBase64String(KeyData),
            name = AppStateCollections.RegularHigh,
            snapshot = Convert.ToBase64String(snapshot.ToByteArray()),
        });

        // Baileys only warns and keeps the state; here the same snapshot is refused.
        Assert.Single(theirs.GetProperty("warnings").EnumerateArray());
        Assert.Equal(AppStateFailure.SnapshotMacMismatch, Assert.Throws<AppStateException>(() => AppStateSnapshotCodec.Decode(snapshot, AppStateCollections.RegularHigh, ring)).Failure);
    }
}
