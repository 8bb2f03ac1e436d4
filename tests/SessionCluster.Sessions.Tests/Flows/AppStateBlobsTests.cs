using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>The wire side of snapshots and external mutations in a session (docs/PROTOCOL.md §14 "External blobs").</summary>
public sealed class AppStateBlobsTests
{
    private static readonly byte[] KeyId = [0, 0, 0, 0, 7, 7];
    private static readonly AppStateKeyRing Keys = AppStateKeyRing.Empty.With(KeyId, RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void A_fetch_from_version_zero_asks_a_snapshot_and_a_fetch_from_a_later_version_does_not()
    {
        var query = AppStateSyncs.FetchQuery("1", [("regular_low", 0UL), ("regular_high", 4UL)]);

        var asked = query.GetChild("sync").GetChildren("collection").Select(c => (c.GetString("name"), c.GetString("return_snapshot"))).ToList();

        Assert.Equal([("regular_low", "true"), ("regular_high", "false")], asked);
    }

    [Fact]
    public void A_snapshot_in_a_fetch_answer_is_read_as_its_blob_reference_and_described_as_app_state_media()
    {
        var reference = new ExternalBlobReference { MediaKey = ByteString.CopyFrom(new byte[32]), DirectPath = "/v/t62.7118-24/x.enc", FileSizeBytes = 99, FileSHA256 = ByteString.CopyFrom(new byte[32]) };
        var answer = new Node("iq", [("type", "result")],
        [
            new Node("sync", null, [new Node("collection", [("name", "regular_low"), ("version", "3")], [new Node("snapshot", null, reference.ToByteArray())])]),
        ]);

        var collection = Assert.Single(AppStateSyncs.ReadFetch(answer));
        var descriptor = AppStateBlobs.Descriptor(collection.SnapshotReference!);

        Assert.True(AppStateBlobs.NeedsDownload(collection));
        Assert.Equal(reference, collection.SnapshotReference);
        Assert.Equal((MediaKind.AppState, "/v/t62.7118-24/x.enc", 99L), (descriptor.Kind, descriptor.DirectPath, descriptor.FileLength));
        Assert.Null(descriptor.FileEncSha256);
    }

    [Fact]
    public async Task A_blob_that_cannot_be_downloaded_keeps_the_patches_before_it_and_names_the_failure()
    {
        var state = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        var first = Patch(state, 1, "a@s.whatsapp.net");
        var second = Patch(first.State, 2, "b@s.whatsapp.net");
        var (bareFirst, mutations) = AppStateExternalBlobs.Externalize(first.Patch);
        var (blob, reference) = AppStateExternalBlobs.Encrypt(mutations);
        reference.DirectPath = "/first";
        bareFirst.ExternalMutations = reference;
        var (bareSecond, _) = AppStateExternalBlobs.Externalize(second.Patch);
        bareSecond.ExternalMutations = new ExternalBlobReference { MediaKey = ByteString.CopyFrom(new byte[32]), DirectPath = "/gone" };
        var fetched = new FetchedCollection(state.Name, [bareFirst, bareSecond], HasMore: false, Failed: false);

        var resolved = await AppStateBlobs.ResolveAsync(fetched, r => r.DirectPath == "/first"
            ? Task.FromResult(AppStateExternalBlobs.Decrypt(blob, r))
            : throw new AppStateException(AppStateFailure.ExternalBlob, "gone"));

        var kept = Assert.Single(resolved.Patches);
        Assert.Null(kept.ExternalMutations);
        Assert.Equal(AppStateFailure.ExternalBlob, resolved.BlobFailure!.Failure);
        Assert.Equal(first.State.Hash, AppStatePatchCodec.Decode(kept, state, Keys).State.Hash);
    }

    private static AppStateEncodedPatch Patch(AppStateCollectionState state, ulong version, string chat)
    {
        var encoded = AppStatePatchCodec.Encode(state, Keys, KeyId,
            [new AppStateMutationRequest(AppStateOperation.Set, ["archive", chat], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3)]);
        encoded.Patch.Version = new SyncdVersion { Version = version };
        return encoded;
    }
}
