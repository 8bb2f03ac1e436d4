using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Phone;

namespace SessionCluster.Simulator.Tests.Phone;

public sealed class PhoneTests
{
    private readonly AccountDirectory _accounts = new(null, TimeProvider.System);
    private readonly LoopbackRelay _relay = new();
    private readonly PhoneDirectory _phones;

    public PhoneTests()
    {
        _phones = new PhoneDirectory(_accounts, () => _relay, TimeProvider.System, NullLoggerFactory.Instance);
        _relay.Phones = _phones;
        _relay.Accounts = _accounts;
    }

    private Task<Account> AccountAsync(string phone) => _accounts.CreateAsync(phone, CancellationToken.None);

    [Fact]
    public async Task The_bundle_is_the_accounts_identity_and_registration_and_consumes_one_time_keys()
    {
        var account = await AccountAsync("15550001111");
        var first = _phones.TakeBundle(account, account.DeviceJid(0));
        var second = _phones.TakeBundle(account, account.DeviceJid(0));

        Assert.Equal("user", first.Tag);
        Assert.Equal("15550001111@s.whatsapp.net", first.GetString("jid"));
        Assert.Equal(account.RegistrationId, BinaryPrimitives.ReadUInt32BigEndian(first.GetChild("registration").Bytes.Span));
        Assert.Equal([(byte)5], first.GetChild("type").Bytes.ToArray());
        Assert.Equal(account.Identity.PublicKey.ToArray(), first.GetChild("identity").Bytes.ToArray());
        var skey = first.GetChild("skey");
        Assert.True(SignedPreKeyRecord.VerifySignature(account.Identity.PublicKey.Span, skey.GetChild("value").Bytes.Span, skey.GetChild("signature").Bytes.Span));
        Assert.Equal(3, first.GetChild("key").GetChild("id").Bytes.Length);
        Assert.NotEqual(first.GetChild("key").GetChild("id").Bytes.ToArray(), second.GetChild("key").GetChild("id").Bytes.ToArray());
        Assert.Equal(account.Identity.PublicKey.ToArray(), PreKeyBundleNode.Parse(second).IdentityKey.ToArray());
    }

    [Fact]
    public async Task Two_phones_exchange_messages_both_ways_and_the_reply_needs_no_prekey()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");

        var sent = await _phones.Get(a).SendTextAsync(b.Jid, "hello b", CancellationToken.None);
        Assert.Matches("^3EB0[0-9A-F]{18}$", sent.Id);
        Assert.Equal(sent.Id, sent.Ack.GetString("id"));
        var toB = Assert.Single(_relay.Sent).GetChild("participants").GetChildren("to").Single();
        Assert.Equal("15550002222@s.whatsapp.net", toB.GetString("jid"));
        Assert.Equal("pkmsg", toB.GetChild("enc").GetString("type"));

        var received = Assert.Single(_phones.Get(b).Inbox.Snapshot());
        Assert.Equal((sent.Id, "15550001111@s.whatsapp.net", "15550001111@s.whatsapp.net", "text", "hello b", false),
            (received.Id, received.Chat, received.Sender, received.Kind, received.Text, received.SentCopy));
        var (receiptFrom, receipt) = Assert.Single(_relay.Receipts);
        Assert.Equal("15550002222@s.whatsapp.net", receiptFrom);
        Assert.Equal(sent.Id, receipt.GetString("id"));
        Assert.Equal("15550001111@s.whatsapp.net", receipt.GetString("to"));
        Assert.Null(receipt.GetOptionalString("type"));

        await _phones.Get(b).SendTextAsync(a.Jid, "hello a", CancellationToken.None);
        Assert.Equal("msg", _relay.Sent[1].GetChild("participants").GetChildren("to").Single().GetChild("enc").GetString("type"));
        Assert.Equal("hello a", Assert.Single(_phones.Get(a).Inbox.Snapshot()).Text);

        await _phones.Get(a).SendTextAsync(b.Jid, "again", CancellationToken.None);
        Assert.Equal("msg", _relay.Sent[2].GetChild("participants").GetChildren("to").Single().GetChild("enc").GetString("type"));
        Assert.Equal(["hello b", "again"], _phones.Get(b).Inbox.Snapshot().Select(m => m.Text));
    }

    [Fact]
    public async Task The_phone_encrypts_to_the_recipients_companions_and_to_its_own_as_a_sent_copy()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var ownCompanion = new SignalCompanion(3);
        var peerCompanion = new SignalCompanion(1);
        a.AddDevice(ownCompanion.Device());
        b.AddDevice(peerCompanion.Device());

        var sent = await _phones.Get(a).SendTextAsync(b.Jid, "to every device", CancellationToken.None);

        Assert.Equal(3, sent.Devices);
        var stanza = Assert.Single(_relay.Sent);
        Assert.Equal(("15550002222@s.whatsapp.net", "text"), (stanza.GetString("to"), stanza.GetString("type")));
        Assert.Null(stanza.GetOptionalChild("device-identity"));
        Assert.Equal(
            ["15550002222@s.whatsapp.net", "15550002222:1@s.whatsapp.net", "15550001111:3@s.whatsapp.net"],
            stanza.GetChild("participants").GetChildren("to").Select(t => t.GetString("jid")));
        Assert.Equal(4, b.FindDevice(1)!.PreKeys.Count);
        Assert.Equal(4, a.FindDevice(3)!.PreKeys.Count);

        var atPeer = peerCompanion.Decrypt("phone-a", Assert.Single(_relay.StanzasFor(b.DeviceJid(1))).GetChild("enc"));
        Assert.Equal("to every device", atPeer.Conversation);
        Assert.Null(atPeer.DeviceSentMessage);

        var copy = ownCompanion.Decrypt("phone-a", Assert.Single(_relay.StanzasFor(a.DeviceJid(3))).GetChild("enc"));
        Assert.Equal("15550002222@s.whatsapp.net", copy.DeviceSentMessage.DestinationJID);
        Assert.Equal("to every device", copy.DeviceSentMessage.Message.Conversation);
    }

    [Fact]
    public async Task A_companions_message_arrives_on_its_own_phone_as_a_sent_copy_with_a_sender_receipt()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = new SignalCompanion(2);
        a.AddDevice(companion.Device());
        companion.StartSession("phone", PreKeyBundleNode.Parse(_phones.TakeBundle(a, a.DeviceJid(0))));
        var enc = companion.Encrypt("phone", new Message
        {
            DeviceSentMessage = new DeviceSentMessage { DestinationJID = b.Jid.ToString(), Message = new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "from my laptop" } } },
        });

        await _phones.DeliverAsync(a, new Node("message", [("from", a.DeviceJid(2).ToString()), ("id", "3EB0AAAA"), ("recipient", b.Jid.ToString()), ("t", "1700000000"), ("type", "text")], [enc]), CancellationToken.None);

        var copy = Assert.Single(_phones.Get(a).Inbox.Snapshot());
        Assert.Equal(("3EB0AAAA", "15550002222@s.whatsapp.net", "15550001111:2@s.whatsapp.net", "from my laptop", true, 1700000000L),
            (copy.Id, copy.Chat, copy.Sender, copy.Text, copy.SentCopy, copy.Timestamp.ToUnixTimeSeconds()));
        var (_, receipt) = Assert.Single(_relay.Receipts);
        Assert.Equal(("3EB0AAAA", "15550001111:2@s.whatsapp.net", "15550002222@s.whatsapp.net", "sender"),
            (receipt.GetString("id"), receipt.GetString("to"), receipt.GetString("recipient"), receipt.GetString("type")));
        Assert.True(_phones.Get(a).HasSession(a, 2));
    }

    /// <summary>
    /// Baileys, asked again by one device, sends the message again to every device with the same id; a phone keys its
    /// messages by chat, author and id, so it answers the copy with a receipt but does not show the message twice.
    /// </summary>
    [Fact]
    public async Task A_second_copy_of_a_message_with_the_same_id_is_receipted_but_kept_once()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = new SignalCompanion(1);
        b.AddDevice(companion.Device());
        companion.StartSession("phone-a", PreKeyBundleNode.Parse(_phones.TakeBundle(a, a.DeviceJid(0))));
        Node Copy(string text) => new("message", [("from", b.DeviceJid(1).ToString()), ("id", "3EB0BBBB"), ("t", "1700000000"), ("type", "text")],
            [companion.Encrypt("phone-a", new Message { Conversation = text })]);

        await _phones.DeliverAsync(a, Copy("once"), CancellationToken.None);
        await _phones.DeliverAsync(a, Copy("once"), CancellationToken.None);
        await _phones.DeliverAsync(a, new Node("message", [("from", b.DeviceJid(1).ToString()), ("id", "3EB0CCCC"), ("t", "1700000001"), ("type", "text")],
            [companion.Encrypt("phone-a", new Message { Conversation = "another" })]), CancellationToken.None);

        Assert.Equal([("3EB0BBBB", "once"), ("3EB0CCCC", "another")], _phones.Get(a).Inbox.Snapshot().Select(m => (m.Id, m.Text)));
        Assert.Equal(["3EB0BBBB", "3EB0BBBB", "3EB0CCCC"], _relay.Receipts.Select(r => r.Receipt.GetString("id")));
    }

    [Fact]
    public async Task A_message_that_does_not_decrypt_gets_retry_receipts_with_keys_from_the_second_on()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = await EstablishedCompanionAsync(a, b);

        // A whisper message whose MAC is broken: the session exists, the message does not verify.
        var broken = companion.Encrypt("phone-a", new Message { Conversation = "second" });
        Assert.Equal("msg", broken.GetString("type"));
        var bytes = broken.Bytes.ToArray();
        bytes[^1] ^= 0x01;
        var tampered = new Node("enc", broken.Attributes, bytes);
        await _phones.DeliverAsync(a, Stanza(b, "3EB0BAD", tampered), CancellationToken.None);
        await _phones.DeliverAsync(a, Stanza(b, "3EB0BAD", tampered), CancellationToken.None);

        Assert.Equal(["first"], _phones.Get(a).Inbox.Snapshot().Select(m => m.Text));
        var retries = _relay.Receipts.Select(r => r.Receipt).Where(r => r.GetOptionalString("type") == "retry").ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal(("3EB0BAD", "15550002222:1@s.whatsapp.net"), (r.GetString("id"), r.GetString("to"))));
        Assert.Equal(("1", "3EB0BAD", "1700000000", "1"), RetryAttributes(retries[0]));
        Assert.Equal(a.RegistrationId, BinaryPrimitives.ReadUInt32BigEndian(retries[0].GetChild("registration").Bytes.Span));
        Assert.Null(retries[0].GetOptionalChild("keys"));
        Assert.Equal("2", retries[1].GetChild("retry").GetString("count"));
        var keys = retries[1].GetChild("keys");
        Assert.Equal(a.Identity.PublicKey.ToArray(), keys.GetChild("identity").Bytes.ToArray());
        Assert.Equal(3, keys.GetChild("key").GetChild("id").Bytes.Length);
        Assert.True(SignedPreKeyRecord.VerifySignature(a.Identity.PublicKey.Span, keys.GetChild("skey").GetChild("value").Bytes.Span, keys.GetChild("skey").GetChild("signature").Bytes.Span));

        // The sender repairs with a session from the retry's keys; its pkmsg decrypts.
        companion.StartSession("phone-a", new PreKeyBundle(
            BinaryPrimitives.ReadUInt32BigEndian(retries[1].GetChild("registration").Bytes.Span),
            keys.GetChild("identity").Bytes,
            1,
            keys.GetChild("skey").GetChild("value").Bytes,
            keys.GetChild("skey").GetChild("signature").Bytes,
            (uint)(keys.GetChild("key").GetChild("id").Bytes.Span[2] | keys.GetChild("key").GetChild("id").Bytes.Span[1] << 8 | keys.GetChild("key").GetChild("id").Bytes.Span[0] << 16),
            keys.GetChild("key").GetChild("value").Bytes));
        await _phones.DeliverAsync(a, Stanza(b, "3EB0BAD", companion.Encrypt("phone-a", new Message { Conversation = "second" })), CancellationToken.None);
        Assert.Equal(["first", "second"], _phones.Get(a).Inbox.Snapshot().Select(m => m.Text));
    }

    [Fact]
    public async Task A_msg_for_a_session_the_phone_lost_gets_a_retry_receipt_with_keys_at_once()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = await EstablishedCompanionAsync(a, b);
        var whisper = companion.Encrypt("phone-a", new Message { Conversation = "lost" });
        Assert.Equal("msg", whisper.GetString("type"));

        // The same account's phone without its sessions (as after a simulator restart).
        var restarted = new PhoneDirectory(_accounts, () => _relay, TimeProvider.System, NullLoggerFactory.Instance);
        await restarted.DeliverAsync(a, Stanza(b, "3EB0NOSESSION", whisper), CancellationToken.None);

        Assert.Empty(restarted.Get(a).Inbox.Snapshot());
        var retry = _relay.Receipts.Select(r => r.Receipt).Single(r => r.GetOptionalString("type") == "retry");
        Assert.Equal("1", retry.GetChild("retry").GetString("count"));
        Assert.NotNull(retry.GetOptionalChild("keys"));
    }

    [Fact]
    public async Task A_retry_receipt_with_keys_makes_the_phone_resend_to_that_device_on_a_new_session()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = new SignalCompanion(1);
        b.AddDevice(companion.Device());
        var sent = await _phones.Get(a).SendTextAsync(b.Jid, "please decrypt me", CancellationToken.None);
        // The companion "could not decrypt" it and asks again with its keys (prekey 5, never handed out by the server).
        var preKey = companion.FindPreKey(5)!;
        var retry = new Node("receipt", [("from", b.DeviceJid(1).ToString()), ("id", sent.Id), ("type", "retry"), ("t", "1700000000")],
        [
            new Node("retry", [("count", "2"), ("id", sent.Id), ("t", "1700000000"), ("v", "1")]),
            new Node("registration", null, BigEndian(companion.Identity.RegistrationId)),
            new Node("keys", null,
            [
                new Node("type", null, new byte[] { 5 }),
                new Node("identity", null, companion.Identity.IdentityKey.PublicKey),
                new Node("key", null, [new Node("id", null, new byte[] { 0, 0, 5 }), new Node("value", null, preKey.KeyPair.PublicKey)]),
                new Node("skey", null, [new Node("id", null, new byte[] { 0, 0, 1 }), new Node("value", null, companion.SignedPreKey.KeyPair.PublicKey), new Node("signature", null, companion.SignedPreKey.Signature)]),
                new Node("device-identity", null, new byte[] { 1, 2, 3 }),
            ]),
        ]);

        await _phones.DeliverAsync(a, retry, CancellationToken.None);

        var resend = _relay.Sent.Last();
        Assert.Equal((sent.Id, "15550002222:1@s.whatsapp.net", "false"), (resend.GetString("id"), resend.GetString("to"), resend.GetString("device_fanout")));
        Assert.Null(resend.GetOptionalChild("participants"));
        var enc = resend.GetChild("enc");
        Assert.Equal(("pkmsg", "2"), (enc.GetString("type"), enc.GetString("count")));
        var stanzas = _relay.StanzasFor(b.DeviceJid(1));
        Assert.Equal(2, stanzas.Count);
        Assert.Equal("please decrypt me", companion.Decrypt("phone-a", stanzas[1].GetChild("enc")).Conversation);
        Assert.Null(companion.FindPreKey(5));
        Assert.Equal("retry", Assert.Single(_phones.Get(a).Inbox.Receipts()).Type);
    }

    [Fact]
    public async Task A_retry_receipt_for_an_unknown_message_sends_nothing()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        b.AddDevice(new SignalCompanion(1).Device());
        await _phones.DeliverAsync(a, new Node("receipt", [("from", b.DeviceJid(1).ToString()), ("id", "3EB0UNKNOWN"), ("type", "retry")],
            [new Node("retry", [("count", "1"), ("id", "3EB0UNKNOWN"), ("t", "1700000000"), ("v", "1")])]), CancellationToken.None);
        Assert.Empty(_relay.Sent);
        Assert.Single(_phones.Get(a).Inbox.Receipts());
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A companion of <paramref name="b"/> whose session with phone A is past its prekey stage (A has replied).</summary>
    private async Task<SignalCompanion> EstablishedCompanionAsync(Account a, Account b)
    {
        var companion = new SignalCompanion(1);
        b.AddDevice(companion.Device());
        companion.StartSession("phone-a", PreKeyBundleNode.Parse(_phones.TakeBundle(a, a.DeviceJid(0))));
        await _phones.DeliverAsync(a, Stanza(b, "3EB0GOOD", companion.Encrypt("phone-a", new Message { Conversation = "first" })), CancellationToken.None);
        await _phones.Get(a).SendTextAsync(b.Jid, "reply", CancellationToken.None);
        Assert.Equal("reply", companion.Decrypt("phone-a", _relay.StanzasFor(b.DeviceJid(1)).Last().GetChild("enc")).Conversation);
        return companion;
    }

    [Fact]
    public async Task A_group_message_decrypts_with_the_sender_key_its_pairwise_part_distributes()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = new SignalCompanion(1);
        b.AddDevice(companion.Device());
        companion.StartSession("phone-a", PreKeyBundleNode.Parse(_phones.TakeBundle(a, a.DeviceJid(0))));
        var distribution = GroupSessionBuilder.CreateDistribution(SenderKeyRecord.Empty);
        var skdm = companion.Encrypt("phone-a", new Message
        {
            SenderKeyDistributionMessage = new SenderKeyDistributionMessage { GroupID = "120363000000000001@g.us", AxolotlSenderKeyDistributionMessage = Google.Protobuf.ByteString.CopyFrom(distribution.DistributionMessage) },
        });
        var group = GroupCipher.Encrypt(distribution.Record, Protocol.Messages.MessagePadding.Pad(Google.Protobuf.MessageExtensions.ToByteArray(new Message { Conversation = "hi group" })));
        var stanza = new Node("message", [("from", "120363000000000001@g.us"), ("id", "3EB0GROUP"), ("participant", b.DeviceJid(1).ToString()), ("t", "1700000000"), ("type", "text")],
            [skdm, new Node("enc", [("v", "2"), ("type", "skmsg")], group.Ciphertext)]);

        await _phones.DeliverAsync(a, stanza, CancellationToken.None);

        var message = Assert.Single(_phones.Get(a).Inbox.Snapshot());
        Assert.Equal(("120363000000000001@g.us", "15550002222:1@s.whatsapp.net", "hi group"), (message.Chat, message.Sender, message.Text));
        var receipt = Assert.Single(_relay.Receipts).Receipt;
        Assert.Equal(("120363000000000001@g.us", "15550002222:1@s.whatsapp.net"), (receipt.GetString("to"), receipt.GetString("participant")));
    }

    [Fact]
    public async Task A_group_text_from_the_phone_decrypts_at_every_member_device()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var c = await AccountAsync("15550003333");
        var companion = new SignalCompanion(1);
        b.AddDevice(companion.Device());
        var group = Jid.Parse("120363000000000001@g.us");

        var first = await _phones.Get(a).SendGroupTextAsync(group, [a, b, c], "hello group", CancellationToken.None);
        var second = await _phones.Get(a).SendGroupTextAsync(group, [a, b, c], "still here", CancellationToken.None);

        var stanza = _relay.Sent[0];
        Assert.Equal(("120363000000000001@g.us", "skmsg"), (stanza.GetString("to"), stanza.GetChildren("enc").Single().GetString("type")));
        Assert.Equal(
            ["15550002222@s.whatsapp.net", "15550002222:1@s.whatsapp.net", "15550003333@s.whatsapp.net"],
            stanza.GetChild("participants").GetChildren("to").Select(t => t.GetString("jid")));
        Assert.Equal(3, first.Devices);
        Assert.Equal(["hello group", "still here"], _phones.Get(c).Inbox.Snapshot().Select(m => m.Text));
        Assert.All(_phones.Get(c).Inbox.Snapshot(), m => Assert.Equal(("120363000000000001@g.us", "15550001111@s.whatsapp.net"), (m.Chat, m.Sender)));
        Assert.Equal([first.Id, second.Id], _phones.Get(b).Inbox.Snapshot().Select(m => m.Id));

        // The companion reads it with the engine alone: the pairwise part carries the sender key, the skmsg the text.
        var senderKey = SenderKeyRecord.Empty;
        var texts = new List<string>();
        foreach (var delivered in _relay.StanzasFor(b.DeviceJid(1)))
        {
            var encs = delivered.GetChildren("enc").ToList();
            var skdm = companion.Decrypt("phone-a", encs[0]).SenderKeyDistributionMessage;
            Assert.Equal("120363000000000001@g.us", skdm.GroupID);
            senderKey = GroupSessionBuilder.ProcessDistribution(senderKey, skdm.AxolotlSenderKeyDistributionMessage.Span);
            var plain = GroupCipher.Decrypt(senderKey, encs[1].Bytes.Span);
            senderKey = plain.Record;
            Assert.True(Protocol.Messages.MessagePadding.TryUnpad(plain.Plaintext, out var body));
            texts.Add(Message.Parser.ParseFrom(body.Span).Conversation);
        }

        Assert.Equal(["hello group", "still here"], texts);
        await Assert.ThrowsAsync<PhoneSendException>(() => _phones.Get(a).SendGroupTextAsync(group, [b, c], "not a member", CancellationToken.None));
    }

    [Fact]
    public async Task The_history_sync_reaches_each_own_companion_as_a_peer_message_with_the_inline_mappings()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        var companion = new SignalCompanion(4);
        a.AddDevice(companion.Device());

        Assert.Equal(1, await _phones.Get(a).SendHistorySyncAsync(_accounts.All, CancellationToken.None));

        var stanza = Assert.Single(_relay.Sent);
        Assert.Equal(("15550001111:4@s.whatsapp.net", "peer"), (stanza.GetString("to"), stanza.GetString("category")));
        var protocol = companion.Decrypt("phone-a", Assert.Single(_relay.StanzasFor(a.DeviceJid(4))).GetChild("enc")).ProtocolMessage;
        Assert.Equal(ProtocolMessage.Types.Type.HistorySyncNotification, protocol.Type);
        Assert.Equal(HistorySyncType.InitialBootstrap, protocol.HistorySyncNotification.SyncType);
        using var inflated = new System.IO.Compression.ZLibStream(new MemoryStream(protocol.HistorySyncNotification.InitialHistBootstrapInlinePayload.ToByteArray()), System.IO.Compression.CompressionMode.Decompress);
        var history = Protocol.Wa.History.HistorySync.Parser.ParseFrom(inflated);
        Assert.Equal(
            [("15550001111@s.whatsapp.net", a.Lid.ToString()), ("15550002222@s.whatsapp.net", b.Lid.ToString())],
            history.PhoneNumberToLidMappings.Select(m => (m.PnJID, m.LidJID)));
    }

    [Fact]
    public async Task A_group_skmsg_without_the_senders_key_gets_a_retry_receipt_with_keys_naming_the_participant()
    {
        var a = await AccountAsync("15550001111");
        var b = await AccountAsync("15550002222");
        b.AddDevice(new SignalCompanion(1).Device());
        var distribution = GroupSessionBuilder.CreateDistribution(SenderKeyRecord.Empty);
        var skmsg = GroupCipher.Encrypt(distribution.Record, Protocol.Messages.MessagePadding.Pad(Google.Protobuf.MessageExtensions.ToByteArray(new Message { Conversation = "unreadable" })));

        await _phones.DeliverAsync(a, new Node("message", [("from", "120363000000000001@g.us"), ("id", "3EB0NOKEY"), ("participant", b.DeviceJid(1).ToString()), ("t", "1700000000"), ("type", "text")],
            [new Node("enc", [("v", "2"), ("type", "skmsg")], skmsg.Ciphertext)]), CancellationToken.None);

        Assert.Empty(_phones.Get(a).Inbox.Snapshot());
        var retry = Assert.Single(_relay.Receipts).Receipt;
        Assert.Equal(("retry", "120363000000000001@g.us", "15550002222:1@s.whatsapp.net"), (retry.GetString("type"), retry.GetString("to"), retry.GetString("participant")));
        Assert.Equal("1", retry.GetChild("retry").GetString("count"));
        Assert.NotNull(retry.GetOptionalChild("keys"));
    }

    [Fact]
    public async Task A_peer_message_from_an_own_companion_is_recorded_as_protocol_and_gets_a_peer_msg_receipt()
    {
        var a = await AccountAsync("15550001111");
        var companion = new SignalCompanion(2);
        a.AddDevice(companion.Device());
        companion.StartSession("phone", PreKeyBundleNode.Parse(_phones.TakeBundle(a, a.DeviceJid(0))));
        var enc = companion.Encrypt("phone", new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.AppStateSyncKeyRequest } });

        await _phones.DeliverAsync(a, new Node("message", [("category", "peer"), ("from", a.DeviceJid(2).ToString()), ("id", "3EB0PEER"), ("t", "1700000000"), ("type", "text")], [enc]), CancellationToken.None);

        var recorded = Assert.Single(_phones.Get(a).Inbox.Snapshot());
        Assert.Equal(("protocol", (string?)null, false), (recorded.Kind, recorded.Text, recorded.SentCopy));
        var receipt = Assert.Single(_relay.Receipts).Receipt;
        Assert.Equal(("peer_msg", "15550001111:2@s.whatsapp.net"), (receipt.GetString("type"), receipt.GetString("to")));
    }

    [Fact]
    public async Task The_phone_refuses_recipients_that_are_not_other_accounts()
    {
        var a = await AccountAsync("15550001111");
        var phone = _phones.Get(a);
        await Assert.ThrowsAsync<PhoneSendException>(() => phone.SendTextAsync(Jid.Parse("15559999999@s.whatsapp.net"), "x", CancellationToken.None));
        await Assert.ThrowsAsync<PhoneSendException>(() => phone.SendTextAsync(a.Jid, "x", CancellationToken.None));
        await Assert.ThrowsAsync<PhoneSendException>(() => phone.SendTextAsync(Jid.Parse("120363000000000001@g.us"), "x", CancellationToken.None));
        Assert.Empty(_relay.Sent);
    }

    private static Node Stanza(Account sender, string id, Node enc) =>
        new("message", [("from", sender.DeviceJid(1).ToString()), ("id", id), ("t", "1700000000"), ("type", "text")], [enc]);

    private static (string, string, string, string) RetryAttributes(Node receipt)
    {
        var retry = receipt.GetChild("retry");
        return (retry.GetString("count"), retry.GetString("id"), retry.GetString("t"), retry.GetString("v"));
    }
}
