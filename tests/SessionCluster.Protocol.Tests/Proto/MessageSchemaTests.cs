using Google.Protobuf;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using static SessionCluster.Protocol.Tests.Proto.ProtoAssert;
using ProtocolType = SessionCluster.Protocol.Wa.E2E.ProtocolMessage.Types.Type;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// message.proto and peer_sync.proto: the decrypted end-to-end Message (docs/PROTOCOL.md §9-§10, §14-§15).
/// Golden hex was computed with Baileys 7.0.0-rc14's protobufjs encoder
/// (WAProto/index.js) by <c>baileys-golden.mjs</c> in this folder.
/// </summary>
public sealed class MessageSchemaTests
{
    private const string PeerJid = "15551234567@s.whatsapp.net";
    private const string OtherJid = "15557654321@s.whatsapp.net";
    private const string StanzaId = "3EB0ABCDEF0123456789AB";

    // proto.Message.encode({ conversation: 'hello' })
    private const string ConversationHex = "0a0568656c6c6f";

    // proto.Message.encode({ extendedTextMessage: { text: 'replying', contextInfo: {
    //   stanzaId: StanzaId, participant: PeerJid, quotedMessage: { conversation: 'original' } } } })
    private const string ExtendedTextReplyHex =
        "324d0a087265706c79696e678a01400a1633454230414243444546303132333435363738394142121a" +
        "313535353132333435363740732e77686174736170702e6e65741a0a0a086f726967696e616c";

    // proto.Message.encode({ protocolMessage: { key: { remoteJid: PeerJid, fromMe: true, id: StanzaId },
    //   type: REVOKE } })
    private const string RevokeHex =
        "623a0a360a1a313535353132333435363740732e77686174736170702e6e657410011a163345423041" +
        "42434445463031323334353637383941421000";

    // proto.Message.encode({ deviceSentMessage: { destinationJid: OtherJid, message: { conversation: 'hi there' } },
    //   messageContextInfo: { deviceListMetadata: { senderKeyHash: seq(0x01, 10), senderTimestamp: 1700000000,
    //   senderKeyIndexes: [1, 2] }, deviceListMetadataVersion: 2, messageSecret: seq(0x20, 32) } })
    private const string DeviceSentHex =
        "fa01280a1a313535353736353433323140732e77686174736170702e6e6574120a0a0868692074686572" +
        "659a023c0a160a0a0102030405060708090a1080e2cfaa061a02010210021a20202122232425262728" +
        "292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

    // proto.Message.encode({ senderKeyDistributionMessage: { groupId: '120363012345678901@g.us',
    //   axolotlSenderKeyDistributionMessage: [0x33, ...seq(0x08, 16)] } })
    private const string SenderKeyDistributionHex =
        "122c0a1731323033363330313233343536373839303140672e757312113308090a0b0c0d0e0f101112" +
        "1314151617";

    // proto.Message.HistorySyncNotification.encode({ fileSha256: seq(0x01, 32), fileLength: 123456,
    //   mediaKey: seq(0x21, 32), fileEncSha256: seq(0x41, 32), directPath: '/v/t62.36145-24/abc?ccb=11-4',
    //   syncType: INITIAL_BOOTSTRAP, chunkOrder: 1, originalMessageId: '3EB0HISTORY0000000001', progress: 42 })
    private const string HistorySyncNotificationHex =
        "0a200102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2010c0c4071a2021" +
        "22232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f4022204142434445464748" +
        "494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f602a1c2f762f7436322e33363134352d3234" +
        "2f6162633f6363623d31312d3430003801421533454230484953544f525930303030303030303031482a";

    // proto.Message.encode({ protocolMessage: { type: APP_STATE_SYNC_KEY_SHARE, appStateSyncKeyShare: { keys: [{
    //   keyId: { keyId: [0,0,0,1,2,3] }, keyData: { keyData: seq(0x60, 32),
    //   fingerprint: { rawId: 99, currentIndex: 1, deviceIndexes: [0, 1] }, timestamp: 1700000000000 } }] } } })
    private const string AppStateKeyShareHex =
        "624510063a410a3f0a080a0600000001020312330a20606162636465666768696a6b6c6d6e6f707172" +
        "737475767778797a7b7c7d7e7f1208086310011a0200011880d095ffbc31";

    // proto.Message.ImageMessage.encode({ mimetype: 'image/jpeg', scanLengths: [100, 200, 300] }):
    // Baileys' proto3 schema packs scanLengths; WhatsApp's proto2 schema (and ours) does not.
    private const string ImagePackedScanLengthsHex = "120a696d6167652f6a706567b2010564c801ac02";

    private static MessageKey Key(bool fromMe = true) =>
        new() { RemoteJID = PeerJid, FromMe = fromMe, ID = StanzaId };

    [Fact]
    public void Conversation_EncodesAndDecodesLikeBaileys()
    {
        EncodesTo(ConversationHex, new Message { Conversation = "hello" });
        Assert.Equal("hello", Decode<Message>(ConversationHex).Conversation);
    }

    [Fact]
    public void ExtendedTextReply_EncodesLikeBaileys()
    {
        var message = new Message
        {
            ExtendedTextMessage = new ExtendedTextMessage
            {
                Text = "replying",
                ContextInfo = new ContextInfo
                {
                    StanzaID = StanzaId,
                    Participant = PeerJid,
                    QuotedMessage = new Message { Conversation = "original" },
                },
            },
        };

        EncodesTo(ExtendedTextReplyHex, message);
    }

    [Fact]
    public void ExtendedTextReplyFromBaileys_DecodesQuote()
    {
        var text = Decode<Message>(ExtendedTextReplyHex).ExtendedTextMessage;

        Assert.Equal("replying", text.Text);
        Assert.Equal(StanzaId, text.ContextInfo.StanzaID);
        Assert.Equal(PeerJid, text.ContextInfo.Participant);
        Assert.Equal("original", text.ContextInfo.QuotedMessage.Conversation);
    }

    [Fact]
    public void Revoke_EncodesLikeBaileys_WithExplicitZeroType()
    {
        var message = new Message { ProtocolMessage = new ProtocolMessage { Key = Key(), Type = ProtocolType.Revoke } };

        EncodesTo(RevokeHex, message);
    }

    [Fact]
    public void RevokeFromBaileys_DecodesKeyAndType()
    {
        var protocol = Decode<Message>(RevokeHex).ProtocolMessage;

        Assert.True(protocol.HasType);
        Assert.Equal(ProtocolType.Revoke, protocol.Type);
        Assert.Equal(PeerJid, protocol.Key.RemoteJID);
        Assert.True(protocol.Key.FromMe);
        Assert.Equal(StanzaId, protocol.Key.ID);
        Assert.False(protocol.Key.HasParticipant);
    }

    [Fact]
    public void DeviceSentMessage_EncodesLikeBaileys()
    {
        var metadata = new DeviceListMetadata { SenderKeyHash = SeqBytes(0x01, 10), SenderTimestamp = 1700000000 };
        metadata.SenderKeyIndexes.Add(new uint[] { 1, 2 });
        var message = new Message
        {
            DeviceSentMessage = new DeviceSentMessage
            {
                DestinationJID = OtherJid,
                Message = new Message { Conversation = "hi there" },
            },
            MessageContextInfo = new MessageContextInfo
            {
                DeviceListMetadata = metadata,
                DeviceListMetadataVersion = 2,
                MessageSecret = SeqBytes(0x20, 32),
            },
        };

        EncodesTo(DeviceSentHex, message);
    }

    [Fact]
    public void DeviceSentMessageFromBaileys_DecodesDestinationAndInnerMessage()
    {
        var message = Decode<Message>(DeviceSentHex);

        Assert.Equal(OtherJid, message.DeviceSentMessage.DestinationJID);
        Assert.Equal("hi there", message.DeviceSentMessage.Message.Conversation);
        Assert.False(message.DeviceSentMessage.HasPhash);
        Assert.Equal(new uint[] { 1, 2 }, message.MessageContextInfo.DeviceListMetadata.SenderKeyIndexes);
        Assert.Equal(2, message.MessageContextInfo.DeviceListMetadataVersion);
        Assert.Equal(32, message.MessageContextInfo.MessageSecret.Length);
    }

    [Fact]
    public void SenderKeyDistribution_EncodesAndDecodesLikeBaileys()
    {
        var skdm = new byte[17];
        skdm[0] = 0x33;
        Seq(0x08, 16).CopyTo(skdm, 1);
        var message = new Message
        {
            SenderKeyDistributionMessage = new SenderKeyDistributionMessage
            {
                GroupID = "120363012345678901@g.us",
                AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(skdm),
            },
        };

        EncodesTo(SenderKeyDistributionHex, message);
        var decoded = Decode<Message>(SenderKeyDistributionHex).SenderKeyDistributionMessage;
        Assert.Equal("120363012345678901@g.us", decoded.GroupID);
        Assert.Equal(skdm, decoded.AxolotlSenderKeyDistributionMessage.ToByteArray());
    }

    [Fact]
    public void HistorySyncNotification_EncodesLikeBaileys()
    {
        var notification = new HistorySyncNotification
        {
            FileSHA256 = SeqBytes(0x01, 32),
            FileLength = 123456,
            MediaKey = SeqBytes(0x21, 32),
            FileEncSHA256 = SeqBytes(0x41, 32),
            DirectPath = "/v/t62.36145-24/abc?ccb=11-4",
            SyncType = HistorySyncType.InitialBootstrap,
            ChunkOrder = 1,
            OriginalMessageID = "3EB0HISTORY0000000001",
            Progress = 42,
        };

        EncodesTo(HistorySyncNotificationHex, notification);
    }

    [Fact]
    public void HistorySyncNotificationFromBaileys_DecodesDownloadFields()
    {
        var notification = Decode<HistorySyncNotification>(HistorySyncNotificationHex);

        Assert.Equal(Seq(0x01, 32), notification.FileSHA256.ToByteArray());
        Assert.Equal(123456ul, notification.FileLength);
        Assert.Equal(Seq(0x21, 32), notification.MediaKey.ToByteArray());
        Assert.Equal(Seq(0x41, 32), notification.FileEncSHA256.ToByteArray());
        Assert.Equal("/v/t62.36145-24/abc?ccb=11-4", notification.DirectPath);
        Assert.True(notification.HasSyncType);
        Assert.Equal(HistorySyncType.InitialBootstrap, notification.SyncType);
        Assert.Equal(1u, notification.ChunkOrder);
        Assert.Equal("3EB0HISTORY0000000001", notification.OriginalMessageID);
        Assert.Equal(42u, notification.Progress);
        Assert.False(notification.HasInitialHistBootstrapInlinePayload);
    }

    [Fact]
    public void AppStateKeyShare_EncodesAndDecodesLikeBaileys()
    {
        var fingerprint = new AppStateSyncKeyFingerprint { RawID = 99, CurrentIndex = 1 };
        fingerprint.DeviceIndexes.Add(new uint[] { 0, 1 });
        var share = new AppStateSyncKeyShare();
        share.Keys.Add(new AppStateSyncKey
        {
            KeyID = new AppStateSyncKeyId { KeyID = ByteString.CopyFrom(0, 0, 0, 1, 2, 3) },
            KeyData = new AppStateSyncKeyData { KeyData = SeqBytes(0x60, 32), Fingerprint = fingerprint, Timestamp = 1700000000000 },
        });
        var message = new Message
        {
            ProtocolMessage = new ProtocolMessage { Type = ProtocolType.AppStateSyncKeyShare, AppStateSyncKeyShare = share },
        };

        EncodesTo(AppStateKeyShareHex, message);
        var key = Assert.Single(Decode<Message>(AppStateKeyShareHex).ProtocolMessage.AppStateSyncKeyShare.Keys);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 2, 3 }, key.KeyID.KeyID.ToByteArray());
        Assert.Equal(Seq(0x60, 32), key.KeyData.KeyData.ToByteArray());
        Assert.Equal(new uint[] { 0, 1 }, key.KeyData.Fingerprint.DeviceIndexes);
    }

    [Fact]
    public void ImageScanLengths_ParseFromBaileysPackedForm()
    {
        var image = ImageMessage.Parser.ParseFrom(Convert.FromHexString(ImagePackedScanLengthsHex));

        Assert.Equal("image/jpeg", image.Mimetype);
        Assert.Equal(new uint[] { 100, 200, 300 }, image.ScanLengths);
        // We write WhatsApp's unpacked form (field 22, wire type 0, once per value).
        Assert.Equal("120a696d6167652f6a706567b00164b001c801b001ac02", Convert.ToHexStringLower(image.ToByteArray()));
    }

    [Fact]
    public void EveryCommonContent_RoundTrips()
    {
        var context = new ContextInfo { StanzaID = StanzaId, Participant = PeerJid, Expiration = 604800 };
        context.MentionedJID.Add(OtherJid);
        var contents = new[]
        {
            new Message { Conversation = "plain" },
            new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "https://example.com", MatchedText = "https://example.com", Title = "Example", PreviewType = ExtendedTextMessage.Types.PreviewType.None, ContextInfo = context } },
            new Message { ImageMessage = new ImageMessage { URL = "https://mmg.whatsapp.net/x", Mimetype = "image/jpeg", Caption = "pic", FileSHA256 = SeqBytes(1, 32), FileEncSHA256 = SeqBytes(2, 32), MediaKey = SeqBytes(3, 32), FileLength = 1000, Height = 640, Width = 480, DirectPath = "/v/t62/x", MediaKeyTimestamp = 1700000000, JPEGThumbnail = SeqBytes(4, 20), ContextInfo = context } },
            new Message { VideoMessage = new VideoMessage { Mimetype = "video/mp4", Seconds = 12, GifPlayback = true, GifAttribution = VideoMessage.Types.Attribution.Giphy, MediaKey = SeqBytes(5, 32) } },
            new Message { AudioMessage = new AudioMessage { Mimetype = "audio/ogg; codecs=opus", Seconds = 7, PTT = true, Waveform = SeqBytes(6, 64), MediaKey = SeqBytes(7, 32) } },
            new Message { DocumentMessage = new DocumentMessage { Mimetype = "application/pdf", Title = "report", FileName = "report.pdf", PageCount = 3, MediaKey = SeqBytes(8, 32) } },
            new Message { StickerMessage = new StickerMessage { Mimetype = "image/webp", IsAnimated = false, Height = 512, Width = 512, MediaKey = SeqBytes(9, 32) } },
            new Message { LocationMessage = new LocationMessage { DegreesLatitude = 52.3676, DegreesLongitude = 4.9041, Name = "Amsterdam", SpeedInMps = 1.5f } },
            new Message { LiveLocationMessage = new LiveLocationMessage { DegreesLatitude = -33.8688, DegreesLongitude = 151.2093, SequenceNumber = 4 } },
            new Message { ContactMessage = new ContactMessage { DisplayName = "Alice", Vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Alice\nEND:VCARD" } },
            new Message { ReactionMessage = new ReactionMessage { Key = Key(fromMe: false), Text = "👍", SenderTimestampMS = 1700000000123 } },
            new Message { ProtocolMessage = new ProtocolMessage { Key = Key(), Type = ProtocolType.MessageEdit, EditedMessage = new Message { Conversation = "fixed typo" }, TimestampMS = 1700000000456 } },
            new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolType.EphemeralSetting, EphemeralExpiration = 86400 } },
            new Message { EphemeralMessage = new FutureProofMessage { Message = new Message { Conversation = "disappearing" } } },
            new Message { ViewOnceMessageV2 = new FutureProofMessage { Message = new Message { ImageMessage = new ImageMessage { ViewOnce = true } } } },
            new Message { EditedMessage = new FutureProofMessage { Message = new Message { Conversation = "edited" } } },
            new Message { DocumentWithCaptionMessage = new FutureProofMessage { Message = new Message { DocumentMessage = new DocumentMessage { Caption = "see attached" } } } },
            new Message { PtvMessage = new VideoMessage { Mimetype = "video/mp4", Seconds = 3 } },
        };

        foreach (var message in contents)
        {
            RoundTrip(message);
        }
    }

    [Fact]
    public void ProtocolTypeNumbers_MatchWhatsApp()
    {
        Assert.Equal(0, (int)ProtocolType.Revoke);
        Assert.Equal(3, (int)ProtocolType.EphemeralSetting);
        Assert.Equal(5, (int)ProtocolType.HistorySyncNotification);
        Assert.Equal(6, (int)ProtocolType.AppStateSyncKeyShare);
        Assert.Equal(7, (int)ProtocolType.AppStateSyncKeyRequest);
        Assert.Equal(14, (int)ProtocolType.MessageEdit);
    }

    [Fact]
    public void UnknownContent_SurvivesAParseAndReencode()
    {
        // Field 49 (pollCreationMessage) is not in our subset; its bytes must not be lost.
        var withPoll = Convert.FromHexString("0a0568656c6c6f" + "8a0303" + "0a0171");

        var parsed = Message.Parser.ParseFrom(withPoll);

        Assert.Equal("hello", parsed.Conversation);
        Assert.Equal(withPoll, parsed.ToByteArray());
    }
}
