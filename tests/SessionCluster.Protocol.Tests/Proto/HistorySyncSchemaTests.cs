using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Protocol.Wa.History;
using static SessionCluster.Protocol.Tests.Proto.ProtoAssert;
using SyncType = SessionCluster.Protocol.Wa.History.HistorySync.Types.HistorySyncType;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// history_sync.proto and web_message_info.proto: the inflated history-sync blob (docs/PROTOCOL.md §15).
/// Golden hex was computed with Baileys 7.0.0-rc14's protobufjs encoder
/// (WAProto/index.js) by <c>baileys-golden.mjs</c> in this folder.
/// </summary>
public sealed class HistorySyncSchemaTests
{
    private const string AliceJid = "15557654321@s.whatsapp.net";
    private const string AliceLid = "123456789012345@lid";

    // proto.HistorySync.encode({ syncType: RECENT, conversations: [{ id: AliceJid, messages: [{ message: {
    //   key: { remoteJid: AliceJid, fromMe: false, id: '3EB0AAAA' }, message: { conversation: 'old message' },
    //   messageTimestamp: 1690000000, status: READ }, msgOrderId: 1 }], unreadCount: 0, name: 'Alice' }],
    //   chunkOrder: 2, progress: 100, pushnames: [{ id: AliceJid, pushname: 'Alice' }],
    //   phoneNumberToLidMappings: [{ pnJid: AliceJid, lidJid: AliceLid }] })
    private const string HistorySyncHex =
        "0803126c0a1a313535353736353433323140732e77686174736170702e6e657412450a410a280a1a31" +
        "3535353736353433323140732e77686174736170702e6e657410001a083345423041414141120d0a0b" +
        "6f6c64206d6573736167651880b5eda5062004100130006a05416c696365280230643a230a1a313535" +
        "353736353433323140732e77686174736170702e6e65741205416c6963657a310a1a31353535373635" +
        "3433323140732e77686174736170702e6e65741213313233343536373839303132333435406c6964";

    // proto.HistorySync.encode({ syncType: INITIAL_BOOTSTRAP, chunkOrder: 1 }): Baileys writes the zero.
    private const string InitialBootstrapHex = "08002801";

    private static HistorySync Sample()
    {
        var stored = new WebMessageInfo
        {
            Key = new MessageKey { RemoteJID = AliceJid, FromMe = false, ID = "3EB0AAAA" },
            Message = new Message { Conversation = "old message" },
            MessageTimestamp = 1690000000,
            Status = WebMessageInfo.Types.Status.Read,
        };
        var conversation = new Conversation { ID = AliceJid, UnreadCount = 0, Name = "Alice" };
        conversation.Messages.Add(new HistorySyncMsg { Message = stored, MsgOrderID = 1 });
        var sync = new HistorySync { SyncType = SyncType.Recent, ChunkOrder = 2, Progress = 100 };
        sync.Conversations.Add(conversation);
        sync.Pushnames.Add(new Pushname { ID = AliceJid, Pushname_ = "Alice" });
        sync.PhoneNumberToLidMappings.Add(new PhoneNumberToLIDMapping { PnJID = AliceJid, LidJID = AliceLid });
        return sync;
    }

    [Fact]
    public void HistorySync_EncodesLikeBaileys()
    {
        EncodesTo(HistorySyncHex, Sample());
    }

    [Fact]
    public void HistorySyncFromBaileys_DecodesConversationsNamesAndLidMappings()
    {
        var sync = Decode<HistorySync>(HistorySyncHex);

        Assert.Equal(SyncType.Recent, sync.SyncType);
        Assert.Equal(2u, sync.ChunkOrder);
        Assert.Equal(100u, sync.Progress);
        var conversation = Assert.Single(sync.Conversations);
        Assert.Equal(AliceJid, conversation.ID);
        Assert.True(conversation.HasUnreadCount);
        var stored = Assert.Single(conversation.Messages).Message;
        Assert.Equal("3EB0AAAA", stored.Key.ID);
        Assert.False(stored.Key.FromMe);
        Assert.Equal("old message", stored.Message.Conversation);
        Assert.Equal(1690000000ul, stored.MessageTimestamp);
        Assert.Equal(WebMessageInfo.Types.Status.Read, stored.Status);
        Assert.Equal("Alice", Assert.Single(sync.Pushnames).Pushname_);
        var mapping = Assert.Single(sync.PhoneNumberToLidMappings);
        Assert.Equal(AliceJid, mapping.PnJID);
        Assert.Equal(AliceLid, mapping.LidJID);
    }

    [Fact]
    public void InitialBootstrapSyncType_IsWrittenAndReadAsPresentZero()
    {
        var sync = new HistorySync { SyncType = SyncType.InitialBootstrap, ChunkOrder = 1 };

        EncodesTo(InitialBootstrapHex, sync);
        var decoded = Decode<HistorySync>(InitialBootstrapHex);
        Assert.True(decoded.HasSyncType);
        Assert.Equal(SyncType.InitialBootstrap, decoded.SyncType);
    }

    [Fact]
    public void ChunkMissingWhatsAppRequiredFields_StillParses()
    {
        // WhatsApp marks syncType, Conversation.ID and WebMessageInfo.key `required`; we keep them optional.
        var sync = new HistorySync();
        sync.Conversations.Add(new Conversation { Name = "no id" });

        var parsed = RoundTrip(sync);

        Assert.False(parsed.HasSyncType);
        Assert.False(parsed.Conversations[0].HasID);
    }

    [Fact]
    public void RichConversationAndStubMessage_RoundTrip()
    {
        var stub = new WebMessageInfo
        {
            Key = new MessageKey { RemoteJID = "120363012345678901@g.us", FromMe = false, ID = "ABCD", Participant = AliceJid },
            MessageTimestamp = 1690000001,
            MessageStubType = WebMessageInfo.Types.StubType.GroupParticipantAdd,
        };
        stub.MessageStubParameters.Add(AliceJid);
        stub.Reactions.Add(new Reaction { Key = stub.Key.Clone(), Text = "❤", SenderTimestampMS = 1690000002000 });
        stub.UserReceipt.Add(new UserReceipt { UserJID = AliceJid, ReadTimestamp = 1690000003 });
        var group = new Conversation
        {
            ID = "120363012345678901@g.us",
            Name = "Team",
            Archived = true,
            EphemeralExpiration = 604800,
            DisappearingMode = new DisappearingMode { Initiator = DisappearingMode.Types.Initiator.InitiatedByOther },
            MediaVisibility = MediaVisibility.Off,
            EndOfHistoryTransferType = Conversation.Types.EndOfHistoryTransferType.CompleteAndNoMoreMessageRemainOnPrimary,
        };
        group.Participant.Add(new GroupParticipant { UserJID = AliceJid, Rank = GroupParticipant.Types.Rank.Superadmin });
        group.Messages.Add(new HistorySyncMsg { Message = stub, MsgOrderID = 7 });
        var sync = new HistorySync { SyncType = SyncType.InitialBootstrap, NctSalt = SeqBytes(0x01, 32) };
        sync.Conversations.Add(group);
        sync.InlineContacts.Add(new InlineContact { PnJID = AliceJid, LidJID = AliceLid, FullName = "Alice A." });

        var parsed = RoundTrip(sync);

        var parsedStub = parsed.Conversations[0].Messages[0].Message;
        Assert.Equal(27, (int)parsedStub.MessageStubType);
        Assert.Null(parsedStub.Message);
        Assert.Equal(GroupParticipant.Types.Rank.Superadmin, parsed.Conversations[0].Participant[0].Rank);
    }
}
