using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// Device 0 of one account: the phone the simulator plays. It reads what the relay delivers to it (1:1 <c>pkmsg</c>/<c>msg</c>,
/// group <c>skmsg</c> with sender-key distribution, <c>deviceSentMessage</c> copies from the account's own companions) and
/// sends text as a WhatsApp client does (FACTS §9), with the project's Signal engine.
/// </summary>
/// <remarks>
/// <para><b>Identity.</b> The phone's Signal identity is the account's identity key (<see cref="Account.Identity"/>), which is
/// also the ADV account key: Baileys stores the pair-success account key as device 0's identity, so the two must be one key.</para>
/// <para><b>State.</b> Sessions (per sender device, keyed by account and device id so PN and LID addressing share one
/// session) and sender keys are immutable engine records swapped under one lock; the lock is never held across a relay call,
/// because the relay may deliver to this same phone (a receipt) while a send is in flight.</para>
/// <para><b>No device identity.</b> A companion's <c>pkmsg</c> carries its <c>&lt;device-identity&gt;</c> (its
/// ADVSignedDeviceIdentity). The phone is the primary device: it signs companions' identities and has none of its own, so its
/// stanzas and retry <c>&lt;keys&gt;</c> carry no <c>&lt;device-identity&gt;</c> (Baileys' receive path does not ask for one).</para>
/// <para><b>Failures.</b> A stanza that does not decrypt (no session, bad MAC, unknown prekey, bad padding or protobuf) gets a
/// retry receipt (FACTS §10), with <c>&lt;keys&gt;</c> (a fresh one-time prekey and the signed prekey) from the second retry on
/// or when the phone has no session to repair; after <see cref="MaxRetries"/> retries the phone gives up, as Baileys does.</para>
/// </remarks>
internal sealed partial class Phone
{
    /// <summary>Retry receipts sent for one message before the phone gives up (Baileys maxMsgRetryCount).</summary>
    public const int MaxRetries = 5;

    /// <summary>Sent messages kept for resending on a retry receipt (whatsmeow keeps 256).</summary>
    public const int RecentMessages = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<DeviceKey, SessionRecord> _sessions = [];
    private readonly Dictionary<(string Group, DeviceKey Sender), SenderKeyRecord> _senderKeys = [];
    private readonly Dictionary<string, SenderKeyRecord> _ownSenderKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SentMessage> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _sentOrder = new();
    private readonly PhoneDirectory _directory;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public Phone(Account account, PhoneDirectory directory, TimeProvider clock, ILogger logger)
    {
        Account = account;
        _directory = directory;
        _clock = clock;
        _logger = logger;
        Keys = new PhoneKeys(account.Identity.IdentityKey, account.RegistrationId, clock);
    }

    public Account Account { get; }

    public PhoneKeys Keys { get; }

    public PhoneInbox Inbox { get; } = new();

    /// <summary>Whether the phone holds an open session with that device of that account.</summary>
    public bool HasSession(Account peer, int device)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(new DeviceKey(peer.Phone, device), out var record) && record.HasCurrentSession;
        }
    }

    /// <summary>The phone's bundle for a bundle fetch, consuming one one-time prekey.</summary>
    public Node TakeBundle(Jid deviceJid)
    {
        var preKey = Keys.TakePreKey();
        return BundleNodes.User(deviceJid, new PreKeyBundle(
            Keys.Identity.RegistrationId,
            Keys.Identity.IdentityKey.PublicKey,
            Keys.SignedPreKey.Id,
            Keys.SignedPreKey.KeyPair.PublicKey,
            Keys.SignedPreKey.Signature,
            preKey.Id,
            preKey.KeyPair.PublicKey));
    }

    // ---- sending -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Sends <paramref name="text"/> to <paramref name="to"/> (a PN or LID user jid of another account) as a
    /// <c>conversation</c>, to every device of the recipient and, as a <c>deviceSentMessage</c>, to the account's own
    /// companions; sessions missing are started from bundles (device 0 from the other phone, companions from the server's
    /// prekey store). Returns the message id and the server's ack.
    /// </summary>
    /// <exception cref="PhoneSendException">The recipient is not an account of this simulator, or is the phone's own account.</exception>
    public async Task<PhoneSendResult> SendTextAsync(Jid to, string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (to.Device != 0 || !(to.IsPhoneNumber || to.IsLid))
        {
            throw new PhoneSendException($"{to} is not a user jid (user@s.whatsapp.net or user@lid).");
        }

        var recipient = _directory.FindAccount(to) ?? throw new PhoneSendException($"{to} is not an account of this simulator.");
        if (ReferenceEquals(recipient, Account))
        {
            throw new PhoneSendException("The phone does not send messages to its own account.");
        }

        var chat = to.ToNonAd();
        var content = new Message { Conversation = text };
        var copy = new Message { DeviceSentMessage = new DeviceSentMessage { DestinationJID = chat.ToString(), Message = content } };
        List<(Account Owner, int Device, Message Body)> targets = [(recipient, 0, content)];
        targets.AddRange(recipient.Devices.Select(d => (recipient, d.DeviceId, content)));
        targets.AddRange(Account.Devices.Select(d => (Account, d.DeviceId, copy)));
        var participants = EncryptForDevices(targets, to.IsLid);

        var id = MessageIds.New(Account.Phone, _clock.GetUtcNow());
        Remember(id, new SentMessage(chat, content));
        var stanza = new Node("message", [("id", id), ("to", chat.ToString()), ("type", "text")], [new Node("participants", null, participants)]);
        var ack = await _directory.Relay.SendMessageAsync(Account, 0, stanza, cancellationToken).ConfigureAwait(false);
        LogSent(_logger, Account.Phone, id, chat.ToString(), participants.Count, ack.GetOptionalString("error") ?? "none");
        return new PhoneSendResult(id, participants.Count, ack);
    }

    /// <summary>
    /// Sends <paramref name="text"/> to a group (FACTS §9 group stanza): the phone's sender key for the group (made on first use)
    /// is distributed in a <c>senderKeyDistributionMessage</c> to every device of every member, pairwise (as whatsmeow does, every
    /// time), and the text goes once as <c>&lt;enc type="skmsg"&gt;</c>.
    /// </summary>
    /// <exception cref="PhoneSendException">Not a group jid, or the phone's account is not among <paramref name="members"/>.</exception>
    public async Task<PhoneSendResult> SendGroupTextAsync(Jid group, IReadOnlyList<Account> members, string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (!group.IsGroup)
        {
            throw new PhoneSendException($"{group} is not a group jid.");
        }

        if (!members.Any(m => ReferenceEquals(m, Account)))
        {
            throw new PhoneSendException($"{Account.Jid} is not a member of {group}.");
        }

        var groupKey = group.ToNonAd().ToString();
        SenderKeyDistribution distribution;
        byte[] ciphertext;
        lock (_lock)
        {
            distribution = GroupSessionBuilder.CreateDistribution(_ownSenderKeys.GetValueOrDefault(groupKey) ?? SenderKeyRecord.Empty);
            var encrypted = GroupCipher.Encrypt(distribution.Record, MessagePadding.Pad(new Message { Conversation = text }.ToByteArray()));
            _ownSenderKeys[groupKey] = encrypted.Record;
            ciphertext = encrypted.Ciphertext;
        }

        var skdm = new Message
        {
            SenderKeyDistributionMessage = new SenderKeyDistributionMessage { GroupID = groupKey, AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.DistributionMessage) },
        };
        List<(Account Owner, int Device, Message Body)> targets = [];
        foreach (var member in members)
        {
            if (!ReferenceEquals(member, Account))
            {
                targets.Add((member, 0, skdm));
            }

            targets.AddRange(member.Devices.Select(d => (member, d.DeviceId, skdm)));
        }

        var participants = EncryptForDevices(targets, lid: false);
        var id = MessageIds.New(Account.Phone, _clock.GetUtcNow());
        var stanza = new Node("message", [("id", id), ("to", groupKey), ("type", "text")],
        [
            new Node("participants", null, participants),
            new Node("enc", [("v", "2"), ("type", "skmsg")], ciphertext),
        ]);
        var ack = await _directory.Relay.SendMessageAsync(Account, 0, stanza, cancellationToken).ConfigureAwait(false);
        LogSent(_logger, Account.Phone, id, groupKey, participants.Count, ack.GetOptionalString("error") ?? "none");
        return new PhoneSendResult(id, participants.Count, ack);
    }

    /// <summary>
    /// <c>&lt;to jid&gt;&lt;enc v="2" type&gt;</c> for each device: sessions missing are started from bundles, taken outside the lock
    /// (another phone's keys have their own lock, and no lock is ever held while taking one). A device with neither a session nor a
    /// bundle (unlinked meanwhile) is left out.
    /// </summary>
    private List<Node> EncryptForDevices(List<(Account Owner, int Device, Message Body)> targets, bool lid)
    {
        HashSet<DeviceKey> missing;
        lock (_lock)
        {
            missing = [.. targets.Select(t => new DeviceKey(t.Owner.Phone, t.Device)).Where(k => !(_sessions.GetValueOrDefault(k)?.HasCurrentSession ?? false))];
        }

        var bundles = new Dictionary<DeviceKey, PreKeyBundle>();
        foreach (var (owner, device, _) in targets)
        {
            var key = new DeviceKey(owner.Phone, device);
            if (missing.Contains(key) && TakeBundleOf(owner, device) is { } bundle)
            {
                bundles[key] = bundle;
            }
        }

        var participants = new List<Node>();
        lock (_lock)
        {
            foreach (var (owner, device, body) in targets)
            {
                var key = new DeviceKey(owner.Phone, device);
                var record = _sessions.GetValueOrDefault(key) ?? SessionRecord.Empty;
                if (!record.HasCurrentSession)
                {
                    if (!bundles.TryGetValue(key, out var bundle))
                    {
                        LogDeviceSkipped(_logger, Account.Phone, owner.Phone, device);
                        continue;
                    }

                    record = SessionBuilder.ProcessBundle(record, Keys.Identity, bundle);
                }

                var encrypted = SessionCipher.Encrypt(record, Keys.Identity, MessagePadding.Pad(body.ToByteArray()));
                _sessions[key] = encrypted.Record;
                var deviceJid = lid ? owner.DeviceLid(device) : owner.DeviceJid(device);
                participants.Add(new Node("to", [("jid", deviceJid.ToString())],
                [
                    new Node("enc", [("v", "2"), ("type", encrypted.Message.WireType)], encrypted.Message.Serialized),
                ]));
            }
        }

        return participants;
    }

    private void Remember(string id, SentMessage message)
    {
        _sent[id] = message;
        _sentOrder.Enqueue(id);
        while (_sentOrder.Count > RecentMessages && _sentOrder.TryDequeue(out var old))
        {
            _sent.TryRemove(old, out _);
        }
    }

    /// <summary>
    /// A retry receipt for one of the phone's messages (FACTS §10, sender side): the session is rebuilt from the receipt's
    /// <c>&lt;keys&gt;</c> when it has them (or from a fetched bundle when the phone has no session), and the message goes again to
    /// that device alone: <c>&lt;message id to=device type device_fanout="false"&gt;&lt;enc v="2" type count=N/&gt;&lt;/message&gt;</c>,
    /// wrapped in <c>deviceSentMessage</c> for the account's own companions.
    /// </summary>
    private async ValueTask ResendAsync(Node receipt, CancellationToken cancellationToken)
    {
        var id = receipt.GetString("id");
        var requester = receipt.GetOptionalJid("participant") ?? receipt.GetJid("from");
        var owner = _directory.FindAccount(requester);
        var count = receipt.GetOptionalChild("retry")?.GetOptionalInt("count") ?? 1;
        if (owner is null || !_sent.TryGetValue(id, out var sent))
        {
            LogRetryUnknown(_logger, Account.Phone, id, requester.ToString());
            return;
        }

        if (count > MaxRetries)
        {
            LogRetriesExhausted(_logger, Account.Phone, id, MaxRetries);
            return;
        }

        var key = new DeviceKey(owner.Phone, requester.Device);
        var fromKeys = receipt.GetOptionalChild("keys") is { } keys ? RetryBundle(receipt, keys) : null;
        var bundle = fromKeys ?? (HasSession(owner, requester.Device) ? null : TakeBundleOf(owner, requester.Device));
        var body = ReferenceEquals(owner, Account)
            ? new Message { DeviceSentMessage = new DeviceSentMessage { DestinationJID = sent.Chat.ToString(), Message = sent.Content } }
            : sent.Content;
        CiphertextMessage ciphertext;
        lock (_lock)
        {
            var record = _sessions.GetValueOrDefault(key) ?? SessionRecord.Empty;
            if (bundle is not null)
            {
                record = SessionBuilder.ProcessBundle(record, Keys.Identity, bundle);
            }

            if (!record.HasCurrentSession)
            {
                LogDeviceSkipped(_logger, Account.Phone, owner.Phone, requester.Device);
                return;
            }

            var encrypted = SessionCipher.Encrypt(record, Keys.Identity, MessagePadding.Pad(body.ToByteArray()));
            _sessions[key] = encrypted.Record;
            ciphertext = encrypted.Message;
        }

        var stanza = new Node("message", [("id", id), ("to", requester.ToString()), ("type", "text"), ("device_fanout", "false")],
        [
            new Node("enc", [("v", "2"), ("type", ciphertext.WireType), ("count", count.ToString(CultureInfo.InvariantCulture))], ciphertext.Serialized),
        ]);
        var ack = await _directory.Relay.SendMessageAsync(Account, 0, stanza, cancellationToken).ConfigureAwait(false);
        LogResent(_logger, Account.Phone, id, requester.ToString(), count, ack.GetOptionalString("error") ?? "none");
    }

    /// <summary>The bundle a retry receipt's <c>&lt;keys&gt;</c> carries (registration from the receipt's <c>&lt;registration&gt;</c>).</summary>
    private static PreKeyBundle RetryBundle(Node receipt, Node keys)
    {
        var registration = receipt.GetOptionalChild("registration") ?? throw new FormatException("The retry receipt has <keys> but no <registration>.");
        return BundleNodes.Parse(new Node("user", null, [registration, .. keys.Children.Where(c => c.Tag is "type" or "identity" or "skey" or "key")]));
    }

    private PreKeyBundle? TakeBundleOf(Account owner, int device)
    {
        if (device == 0)
        {
            return BundleNodes.Parse(_directory.TakeBundle(owner, owner.DeviceJid(0)));
        }

        return owner.FindDevice(device) is { } companion ? BundleNodes.TakeCompanion(companion) : null;
    }

    // ---- receiving -----------------------------------------------------------------------------------------------

    /// <summary>A stanza the relay delivers to this phone: messages are decrypted, recorded and answered with a receipt.</summary>
    public async ValueTask DeliverAsync(Node stanza, CancellationToken cancellationToken)
    {
        switch (stanza.Tag)
        {
            case "message":
                await ReceiveMessageAsync(stanza, cancellationToken).ConfigureAwait(false);
                break;
            case "receipt":
                Inbox.AddReceipt(new PhoneReceipt(
                    stanza.GetOptionalString("id") ?? string.Empty,
                    stanza.GetOptionalString("from") ?? string.Empty,
                    stanza.GetOptionalString("participant"),
                    stanza.GetOptionalString("type") ?? "delivery"));
                if (stanza.GetOptionalString("type") == "retry")
                {
                    try
                    {
                        await ResendAsync(stanza, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is FormatException or InvalidPreKeyBundleException)
                    {
                        // A retry whose keys do not make a session: nothing to resend with; the receipt stays recorded.
                        LogRetryRefused(_logger, Account.Phone, stanza.GetOptionalString("id") ?? string.Empty, e.Message);
                    }
                }

                break;
            default:
                LogIgnored(_logger, Account.Phone, stanza.Tag);
                break;
        }
    }

    private async ValueTask ReceiveMessageAsync(Node stanza, CancellationToken cancellationToken)
    {
        var id = stanza.GetString("id");
        var from = stanza.GetJid("from");
        var senderDevice = stanza.GetOptionalJid("participant") ?? from;
        var sender = _directory.FindAccount(senderDevice);
        if (sender is null)
        {
            // The relay only delivers what an account's device sent; anything else is a relay bug worth seeing, not a retry.
            LogUnknownSender(_logger, Account.Phone, id, senderDevice.ToString());
            return;
        }

        var senderKey = new DeviceKey(sender.Phone, senderDevice.Device);
        var encs = stanza.Children.Where(c => c.Tag == "enc").OrderBy(c => c.GetOptionalString("type") == "skmsg" ? 1 : 0).ToList();
        List<Message> messages = [];
        try
        {
            if (encs.Count == 0)
            {
                throw new PhoneDecryptException("The message has no <enc>.", forceKeys: true);
            }

            foreach (var enc in encs)
            {
                var message = Decrypt(enc, from, senderKey);
                if (message.SenderKeyDistributionMessage is { } distribution)
                {
                    ProcessDistribution(distribution, senderKey);
                }

                messages.Add(message);
            }
        }
        catch (SignalDecryptException e)
        {
            LogDecryptFailed(_logger, Account.Phone, id, senderDevice.ToString(), e.Message);
            await SendRetryAsync(stanza, e.Failure is DecryptFailure.NoSession or DecryptFailure.MissingPreKey, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is PhoneDecryptException or InvalidProtocolBufferException)
        {
            LogDecryptFailed(_logger, Account.Phone, id, senderDevice.ToString(), e.Message);
            await SendRetryAsync(stanza, e is PhoneDecryptException { ForceKeys: true }, cancellationToken).ConfigureAwait(false);
            return;
        }

        _retries.TryRemove(RetryKey(stanza), out _);
        var timestamp = stanza.GetOptionalLong("t") is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : _clock.GetUtcNow();
        var fromOwnDevice = ReferenceEquals(sender, Account);
        foreach (var message in messages)
        {
            if (Record(stanza, id, from, senderDevice, message, timestamp) is { } recorded)
            {
                Inbox.Add(recorded);
                LogReceived(_logger, Account.Phone, id, recorded.Sender, recorded.Kind, recorded.SentCopy);
            }
        }

        await _directory.Relay.SendReceiptAsync(Account, 0, DeliveryReceipt(stanza, id, from, senderDevice, fromOwnDevice, messages), cancellationToken).ConfigureAwait(false);
    }

    private Message Decrypt(Node enc, Jid from, DeviceKey sender)
    {
        var type = enc.GetOptionalString("type");
        if (enc.ContentKind != NodeContentKind.Bytes)
        {
            throw new PhoneDecryptException($"<enc type=\"{type}\"> holds no ciphertext.", forceKeys: false);
        }

        byte[] plaintext;
        lock (_lock)
        {
            switch (type)
            {
                case "pkmsg" or "msg":
                {
                    var record = _sessions.GetValueOrDefault(sender) ?? SessionRecord.Empty;
                    var kind = type == "pkmsg" ? CiphertextType.PreKey : CiphertextType.Whisper;
                    var result = SessionCipher.Decrypt(record, Keys.Identity, new CiphertextMessage(kind, enc.Bytes.ToArray()), Keys);
                    _sessions[sender] = result.Record;
                    if (result.ConsumedPreKeyId is { } consumed)
                    {
                        Keys.Consume(consumed);
                    }

                    plaintext = result.Plaintext;
                    break;
                }

                case "skmsg":
                {
                    if (!from.IsGroup)
                    {
                        throw new PhoneDecryptException($"skmsg from {from}, which is not a group.", forceKeys: false);
                    }

                    var groupKey = (from.ToNonAd().ToString(), sender);
                    var record = _senderKeys.GetValueOrDefault(groupKey)
                        ?? throw new PhoneDecryptException($"No sender key of {sender} in {from}.", forceKeys: true);
                    var result = GroupCipher.Decrypt(record, enc.Bytes.Span);
                    _senderKeys[groupKey] = result.Record;
                    plaintext = result.Plaintext;
                    break;
                }

                default:
                    throw new PhoneDecryptException($"<enc type=\"{type}\"> is not pkmsg, msg or skmsg.", forceKeys: false);
            }
        }

        ReadOnlyMemory<byte> body = plaintext;
        // enc v="3" is not padded (FACTS §9, WM unpadMessage).
        if (enc.GetOptionalString("v") != "3" && !MessagePadding.TryUnpad(plaintext, out body))
        {
            throw new PhoneDecryptException("The plaintext's padding is malformed.", forceKeys: false);
        }

        return Message.Parser.ParseFrom(body.Span);
    }

    private void ProcessDistribution(SenderKeyDistributionMessage distribution, DeviceKey sender)
    {
        if (!Jid.TryParse(distribution.GroupID, out var group) || !group.IsGroup)
        {
            throw new PhoneDecryptException($"Sender key distribution for \"{distribution.GroupID}\", which is not a group jid.", forceKeys: false);
        }

        lock (_lock)
        {
            var key = (group.ToNonAd().ToString(), sender);
            _senderKeys[key] = GroupSessionBuilder.ProcessDistribution(_senderKeys.GetValueOrDefault(key) ?? SenderKeyRecord.Empty, distribution.AxolotlSenderKeyDistributionMessage.Span);
        }
    }

    private static PhoneMessage? Record(Node stanza, string id, Jid from, Jid senderDevice, Message message, DateTimeOffset timestamp)
    {
        var sentCopy = message.DeviceSentMessage is not null;
        var content = message.DeviceSentMessage?.Message ?? message;
        string? text = content.HasConversation ? content.Conversation : content.ExtendedTextMessage?.Text;
        string kind;
        if (text is not null)
        {
            kind = "text";
        }
        else if (content.ProtocolMessage is not null)
        {
            kind = "protocol";
        }
        else if (content.SenderKeyDistributionMessage is not null && OnlyDistribution(content))
        {
            // A group message's pairwise part that only hands over the sender key: the skmsg beside it is the message.
            return null;
        }
        else
        {
            kind = "other";
        }

        var chat = from.IsGroup ? from.ToNonAd().ToString()
            : sentCopy ? message.DeviceSentMessage!.DestinationJID
            : stanza.GetOptionalString("recipient") ?? from.ToNonAd().ToString();
        return new PhoneMessage(id, chat, senderDevice.ToString(), kind, text, timestamp, sentCopy);
    }

    private static bool OnlyDistribution(Message content)
    {
        var other = content.Clone();
        other.SenderKeyDistributionMessage = null;
        other.MessageContextInfo = null;
        return other.CalculateSize() == 0;
    }

    /// <summary>
    /// The delivery receipt (FACTS §10, Baileys messages-recv): <c>peer_msg</c> for category peer; <c>sender</c> for the
    /// account's own companions (1:1: <c>to</c> = the sending device, <c>recipient</c> = the chat); otherwise no type,
    /// <c>to</c> = <c>from</c> and the group <c>participant</c>.
    /// </summary>
    private static Node DeliveryReceipt(Node stanza, string id, Jid from, Jid senderDevice, bool fromOwnDevice, List<Message> messages)
    {
        var participant = stanza.GetOptionalString("participant");
        if (stanza.GetOptionalString("category") == "peer")
        {
            return new Node("receipt", [("id", id), ("to", from.ToString()), ("type", "peer_msg")]);
        }

        if (fromOwnDevice && !from.IsGroup)
        {
            var chat = messages.Select(m => m.DeviceSentMessage?.DestinationJID).FirstOrDefault(d => !string.IsNullOrEmpty(d))
                ?? stanza.GetOptionalString("recipient");
            return chat is null
                ? new Node("receipt", [("id", id), ("to", senderDevice.ToString()), ("type", "sender")])
                : new Node("receipt", [("id", id), ("recipient", chat), ("to", senderDevice.ToString()), ("type", "sender")]);
        }

        List<NodeAttribute> attributes = [("id", id), ("to", from.ToString())];
        if (participant is not null)
        {
            attributes.Add(("participant", participant));
        }

        if (fromOwnDevice)
        {
            attributes.Add(("type", "sender"));
        }

        return new Node("receipt", attributes);
    }

    /// <summary>
    /// <c>&lt;receipt id to type="retry" [recipient] [participant]&gt;&lt;retry count id t v="1"/&gt;&lt;registration/&gt;[&lt;keys&gt;]</c>
    /// (FACTS §10; Baileys sendRetryRequest). Keys carry a fresh one-time prekey and the signed prekey.
    /// </summary>
    private async ValueTask SendRetryAsync(Node stanza, bool forceKeys, CancellationToken cancellationToken)
    {
        var id = stanza.GetString("id");
        var count = _retries.AddOrUpdate(RetryKey(stanza), 1, (_, n) => n + 1);
        if (count > MaxRetries)
        {
            LogRetriesExhausted(_logger, Account.Phone, id, MaxRetries);
            return;
        }

        List<NodeAttribute> attributes = [("id", id), ("to", stanza.GetString("from")), ("type", "retry")];
        if (stanza.GetOptionalString("recipient") is { } recipient)
        {
            attributes.Add(("recipient", recipient));
        }

        if (stanza.GetOptionalString("participant") is { } participant)
        {
            attributes.Add(("participant", participant));
        }

        if (stanza.GetOptionalString("category") == "peer")
        {
            attributes.Add(("category", "peer"));
        }

        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, Keys.Identity.RegistrationId);
        var t = stanza.GetOptionalString("t") ?? _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        List<Node> children =
        [
            new Node("retry", [("count", count.ToString(CultureInfo.InvariantCulture)), ("id", id), ("t", t), ("v", "1")]),
            new Node("registration", null, registration),
        ];
        if (count > 1 || forceKeys)
        {
            var preKey = Keys.TakePreKey();
            children.Add(new Node("keys", null,
            [
                new Node("type", null, new byte[] { SignalPublicKey.DjbType }),
                new Node("identity", null, Keys.Identity.IdentityKey.PublicKey),
                new Node("key", null, [new Node("id", null, BundleNodes.Id3(preKey.Id)), new Node("value", null, preKey.KeyPair.PublicKey)]),
                new Node("skey", null,
                [
                    new Node("id", null, BundleNodes.Id3(Keys.SignedPreKey.Id)),
                    new Node("value", null, Keys.SignedPreKey.KeyPair.PublicKey),
                    new Node("signature", null, Keys.SignedPreKey.Signature),
                ]),
            ]));
        }

        await _directory.Relay.SendReceiptAsync(Account, 0, new Node("receipt", attributes, children), cancellationToken).ConfigureAwait(false);
    }

    private static string RetryKey(Node stanza) =>
        (stanza.GetOptionalString("participant") ?? stanza.GetString("from")) + "/" + stanza.GetString("id");

    /// <summary>A message the phone sent, kept for a retry: the chat and the content (unwrapped).</summary>
    private sealed record SentMessage(Jid Chat, Message Content);

    /// <summary>A sender or recipient device, by account phone number and device id (PN and LID addressing name the same device).</summary>
    private readonly record struct DeviceKey(string Phone, int Device);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Phone {Phone}: sent {Id} to {Chat} ({Devices} devices, ack error {Error})")]
    private static partial void LogSent(ILogger logger, string phone, string id, string chat, int devices, string error);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Phone {Phone}: no session and no bundle for {Owner} device {Device}; it does not get the message")]
    private static partial void LogDeviceSkipped(ILogger logger, string phone, string owner, int device);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Phone {Phone}: received {Id} from {Sender} ({Kind}, sent copy {SentCopy})")]
    private static partial void LogReceived(ILogger logger, string phone, string id, string sender, string kind, bool sentCopy);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Phone {Phone}: {Id} from {Sender} does not decrypt ({Reason}); sending a retry receipt")]
    private static partial void LogDecryptFailed(ILogger logger, string phone, string id, string sender, string reason);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Phone {Phone}: {Id} still fails after {Retries} retries; giving up")]
    private static partial void LogRetriesExhausted(ILogger logger, string phone, string id, int retries);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Phone {Phone}: {Id} comes from {Sender}, which is no account here; dropped")]
    private static partial void LogUnknownSender(ILogger logger, string phone, string id, string sender);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Phone {Phone}: resent {Id} to {Device} (retry {Count}, ack error {Error})")]
    private static partial void LogResent(ILogger logger, string phone, string id, string device, int count, string error);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "Phone {Phone}: retry receipt for {Id} from {Device}, a message it does not have (any more)")]
    private static partial void LogRetryUnknown(ILogger logger, string phone, string id, string device);

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "Phone {Phone}: retry receipt for {Id} cannot be served: {Reason}")]
    private static partial void LogRetryRefused(ILogger logger, string phone, string id, string reason);

    [LoggerMessage(EventId = 407, Level = LogLevel.Debug, Message = "Phone {Phone}: <{Tag}> needs nothing from the phone")]
    private static partial void LogIgnored(ILogger logger, string phone, string tag);
}

/// <summary>What <see cref="Phone.SendTextAsync"/> sent: the message id, how many devices got a ciphertext, the server's ack.</summary>
internal sealed record PhoneSendResult(string Id, int Devices, Node Ack);
