using System.Text;
using Google.Protobuf;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Protocol.Wa.Common;
using static SessionCluster.Protocol.Tests.Proto.ProtoAssert;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// syncd.proto and sync_action.proto: app-state patches and their plaintext (docs/PROTOCOL.md §14).
/// Golden hex was computed with Baileys 7.0.0-rc14's protobufjs encoder
/// (WAProto/index.js) by <c>baileys-golden.mjs</c> in this folder.
/// </summary>
public sealed class AppStateSchemaTests
{
    private const string MuteIndex = "[\"mute\",\"15557654321@s.whatsapp.net\"]";

    // proto.SyncdPatch.encode({ version: { version: 7 }, mutations: [{ operation: SET, record: {
    //   index: { blob: seq(0x01, 32) }, value: { blob: seq(0x40, 48) }, keyId: { id: [0,0,0,1] } } }],
    //   snapshotMac: seq(0x80, 32), patchMac: seq(0xa0, 32), keyId: { id: [0,0,0,1] } })
    private const string PatchHex =
        "0a0208071264080012600a220a200102030405060708090a0b0c0d0e0f101112131415161718191a1b" +
        "1c1d1e1f2012320a30404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
        "606162636465666768696a6b6c6d6e6f1a060a04000000012220808182838485868788898a8b8c8d8e" +
        "8f909192939495969798999a9b9c9d9e9f2a20a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5" +
        "b6b7b8b9babbbcbdbebf32060a0400000001";

    // proto.SyncActionData.encode({ index: MuteIndex (UTF-8), value: { timestamp: 1700000000000,
    //   muteAction: { muted: true, muteEndTimestamp: -1 } }, padding: [], version: 2 })
    private const string MuteDataHex =
        "0a255b226d757465222c22313535353736353433323140732e77686174736170702e6e6574225d1216" +
        "0880d095ffbc31220d080110ffffffffffffffffff011a002002";

    private static KeyId KeyOne() => new() { ID = ByteString.CopyFrom(0, 0, 0, 1) };

    [Fact]
    public void Patch_EncodesLikeBaileys()
    {
        var patch = new SyncdPatch
        {
            Version = new SyncdVersion { Version = 7 },
            SnapshotMAC = SeqBytes(0x80, 32),
            PatchMAC = SeqBytes(0xa0, 32),
            KeyID = KeyOne(),
        };
        patch.Mutations.Add(new SyncdMutation
        {
            Operation = SyncdMutation.Types.SyncdOperation.Set,
            Record = new SyncdRecord
            {
                Index = new SyncdIndex { Blob = SeqBytes(0x01, 32) },
                Value = new SyncdValue { Blob = SeqBytes(0x40, 48) },
                KeyID = KeyOne(),
            },
        });

        EncodesTo(PatchHex, patch);
    }

    [Fact]
    public void PatchFromBaileys_DecodesMutation()
    {
        var patch = Decode<SyncdPatch>(PatchHex);

        Assert.Equal(7ul, patch.Version.Version);
        var mutation = Assert.Single(patch.Mutations);
        Assert.True(mutation.HasOperation);
        Assert.Equal(SyncdMutation.Types.SyncdOperation.Set, mutation.Operation);
        Assert.Equal(48, mutation.Record.Value.Blob.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, mutation.Record.KeyID.ID.ToByteArray());
        Assert.Equal(Seq(0xa0, 32), patch.PatchMAC.ToByteArray());
        Assert.Null(patch.ExternalMutations);
    }

    [Fact]
    public void MuteActionData_EncodesLikeBaileys()
    {
        var data = new SyncActionData
        {
            Index = ByteString.CopyFromUtf8(MuteIndex),
            Value = new SyncActionValue
            {
                Timestamp = 1700000000000,
                MuteAction = new MuteAction { Muted = true, MuteEndTimestamp = -1 },
            },
            Padding = ByteString.Empty,
            Version = 2,
        };

        EncodesTo(MuteDataHex, data);
    }

    [Fact]
    public void MuteActionDataFromBaileys_DecodesIndexAndForeverMute()
    {
        var data = Decode<SyncActionData>(MuteDataHex);

        Assert.Equal(MuteIndex, Encoding.UTF8.GetString(data.Index.Span));
        Assert.True(data.HasPadding);
        Assert.True(data.Padding.IsEmpty);
        Assert.Equal(2, data.Version);
        Assert.Equal(1700000000000, data.Value.Timestamp);
        Assert.True(data.Value.MuteAction.Muted);
        Assert.Equal(-1, data.Value.MuteAction.MuteEndTimestamp);
    }

    [Fact]
    public void SnapshotAndExternalMutations_RoundTrip()
    {
        var snapshot = new SyncdSnapshot { Version = new SyncdVersion { Version = 42 }, Mac = SeqBytes(0x10, 32), KeyID = KeyOne() };
        snapshot.Records.Add(new SyncdRecord { Index = new SyncdIndex { Blob = SeqBytes(1, 32) }, Value = new SyncdValue { Blob = SeqBytes(2, 64) }, KeyID = KeyOne() });
        var blob = new ExternalBlobReference
        {
            MediaKey = SeqBytes(0x20, 32),
            DirectPath = "/v/t62.1234-24/app-state",
            Handle = "h",
            FileSizeBytes = 4096,
            FileSHA256 = SeqBytes(0x30, 32),
            FileEncSHA256 = SeqBytes(0x50, 32),
        };
        var patch = new SyncdPatch { Version = new SyncdVersion { Version = 43 }, ExternalMutations = blob, DeviceIndex = 3 };
        var mutations = new SyncdMutations();
        mutations.Mutations.Add(new SyncdMutation { Operation = SyncdMutation.Types.SyncdOperation.Remove, Record = snapshot.Records[0].Clone() });

        Assert.Equal(42ul, RoundTrip(snapshot).Version.Version);
        Assert.Equal("/v/t62.1234-24/app-state", RoundTrip(patch).ExternalMutations.DirectPath);
        Assert.Equal(SyncdMutation.Types.SyncdOperation.Remove, RoundTrip(mutations).Mutations[0].Operation);
    }

    [Fact]
    public void CommonActions_RoundTrip()
    {
        var range = new SyncActionMessageRange { LastMessageTimestamp = 1700000000 };
        range.Messages.Add(new SyncActionMessage
        {
            Key = new MessageKey { RemoteJID = "15557654321@s.whatsapp.net", FromMe = true, ID = "3EB0X" },
            Timestamp = 1700000000,
        });
        var values = new[]
        {
            new SyncActionValue { Timestamp = 1, ContactAction = new ContactAction { FullName = "Alice A.", FirstName = "Alice", LidJID = "123@lid", SaveOnPrimaryAddressbook = true } },
            new SyncActionValue { Timestamp = 2, PinAction = new PinAction { Pinned = true } },
            new SyncActionValue { Timestamp = 3, ArchiveChatAction = new ArchiveChatAction { Archived = true, MessageRange = range } },
            new SyncActionValue { Timestamp = 4, MarkChatAsReadAction = new MarkChatAsReadAction { Read = false, MessageRange = range } },
            new SyncActionValue { Timestamp = 5, DeleteMessageForMeAction = new DeleteMessageForMeAction { DeleteMedia = true, MessageTimestamp = 1700000000 } },
            new SyncActionValue { Timestamp = 6, PushNameSetting = new PushNameSetting { Name = "SessionCluster" } },
            new SyncActionValue { Timestamp = 7, StarAction = new StarAction { Starred = true } },
            new SyncActionValue { Timestamp = 8, ClearChatAction = new ClearChatAction { MessageRange = range } },
            new SyncActionValue { Timestamp = 9, DeleteChatAction = new DeleteChatAction { MessageRange = range } },
            new SyncActionValue { Timestamp = 10, LabelEditAction = new LabelEditAction { Name = "Work", Color = 3, Type = LabelEditAction.Types.ListType.Custom } },
            new SyncActionValue { Timestamp = 11, LockChatAction = new LockChatAction { Locked = true } },
        };

        foreach (var value in values)
        {
            var data = new SyncActionData { Index = ByteString.CopyFromUtf8("[\"x\"]"), Value = value, Padding = ByteString.Empty, Version = 2 };
            RoundTrip(data);
        }
    }
}
