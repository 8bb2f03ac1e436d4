using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Sending (docs/PROTOCOL.md §8-§10, the architecture's promises): a send is durable (OutboundAccepted) before the
/// caller hears its id; queued sends go out one at a time while connected — devices from usync (cached), bundles for
/// devices without a session, one encryption per device by its ratchet actor (durable before it answers), the
/// recipient's devices and our other devices (a DeviceSentMessage) in one stanza — and leave the queue on the server's
/// ack (Sent) or a refusal (Failed). A send the connection lost before its ack goes again with the same id when the
/// session is back. Receipts for our messages become MessageStatus events; a retry receipt is answered by encrypting
/// again for the device that asked (from its keys, or a new bundle from the second retry), at most
/// <see cref="Retries.MaxRetries"/> times, after which the message is Failed for that device. A send to a group takes
/// the same queue with its own fan-out (sender keys, SessionActor.GroupSend.cs).
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>How many sent messages are kept for their receipts and retries (whatsmeow keeps 256).</summary>
    private const int RememberedSent = 1024;

    /// <summary>The largest message accepted (bytes of the protobuf, before padding and encryption).</summary>
    private const int MaxContentBytes = 64 * 1024;

    private const string RetryPrefix = "retry:";

    private readonly LinkedList<OutboundEntry> _outbound = new();
    private readonly IdempotencyKeys _idempotency = new(IdempotencyKeys.DefaultWindow, IdempotencyKeys.DefaultCapacity);
    private readonly Dictionary<string, OutboundEntry> _sent = [];
    private readonly Queue<string> _sentOrder = new();
    private readonly Dictionary<string, ResendWork> _resends = [];
    private SendWork? _sending;

    private void RecoverSending()
    {
        Recover<OutboundAccepted>(accepted => ApplyAccepted(OutboundEntry.From(accepted), accepted.IdempotencyKey, DateTimeOffset.FromUnixTimeMilliseconds(accepted.AcceptedAtUnixMs)));
        Recover<OutboundSettled>(settled => ApplySettled(settled.MessageId, settled.HasSenderKeyId ? settled.SenderKeyId : null));
    }

    private void ReceiveSending()
    {
        ReceiveGroupSend();
        ReceiveStatus();
        Command<Send>(OnSend);
        Command<MarkRead>(OnMarkRead);
        ReceivePolls();
    }

    private void OnSend(Send send)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (SendRefusalFor(send) is { } refusal)
        {
            Sender.Tell(refusal);
            return;
        }

        if (send.IdempotencyKey is { } key && _idempotency.Find(key, _dependencies.Clock.GetUtcNow()) is { } existing)
        {
            Sender.Tell(new SendAccepted(_id, existing));
            return;
        }

        AcceptSend(Jid.Parse(send.To).ToNonAd(), send.Content, send.IdempotencyKey, []);
    }

    /// <summary>A send (or a status, with its <paramref name="audience"/>) made durable and queued; the caller hears its id.</summary>
    private void AcceptSend(Jid to, Message content, string? idempotencyKey, IReadOnlyList<Jid> audience)
    {
        var entry = new OutboundEntry(MessageIds.New(OwnUser, _dependencies.Clock.GetUtcNow()), to, content) { Audience = audience };
        var accepted = new OutboundAccepted
        {
            MessageId = entry.MessageId,
            To = to.ToString(),
            Message = content.ToByteString(),
            IdempotencyKey = idempotencyKey ?? "",
            AcceptedAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Audience = { audience.Select(a => a.ToString()) },
        };
        var status = NextEvent(new MessageStatusBody(entry.MessageId, to.ToString(), MessageDelivery.Accepted)).ToRecord();
        _lastEventSequence = status.Sequence;
        var replyTo = Sender;
        PersistAll<IMessage>([accepted, status], stored =>
        {
            switch (stored)
            {
                case OutboundAccepted:
                    ApplyAccepted(entry, accepted.IdempotencyKey, DateTimeOffset.FromUnixTimeMilliseconds(accepted.AcceptedAtUnixMs));
                    break;
                case SessionEventRecord record:
                    ApplyEvent(record);
                    replyTo.Tell(new SendAccepted(_id, entry.MessageId));
                    TrySendNext();
                    break;
            }
        });
    }

    private SendRefused? SendRefusalFor(Send send) => StateRefusal() ?? RecipientRefusal(send) ?? ContentRefusal(send.Content);

    /// <summary>Why this session cannot send anything now, or null.</summary>
    private SendRefused? StateRefusal() =>
        _status is SessionStatus.Deleted or SessionStatus.LoggedOut ? new SendRefused(_id, SendRefusal.Ended, "the session is " + _status)
        : _registration?.DeviceJid is null ? new SendRefused(_id, SendRefusal.NotLinked, "the session is not linked to a phone")
        : null;

    private SendRefused? RecipientRefusal(Send send) =>
        !Jid.TryParse(send.To, out var to) || !(to.IsPhoneNumber || to.IsLid || (to.IsGroup && to.User.Length > 0)) || to.Device != 0 || to.Agent != 0
            ? new SendRefused(_id, SendRefusal.BadRecipient, $"\"{send.To}\" is not a user or group jid (number@s.whatsapp.net, id@lid, id@g.us)")
        : IsOwnAccount(to) ? new SendRefused(_id, SendRefusal.BadRecipient, "messages to the session's own account are not sent")
        : null;

    private SendRefused? ContentRefusal(Message content) =>
        content.CalculateSize() is 0 or > MaxContentBytes
            ? new SendRefused(_id, SendRefusal.BadContent, $"the message must be 1 to {MaxContentBytes} bytes")
        : null;

    private void OnMarkRead(MarkRead mark)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (!Jid.TryParse(mark.Chat, out var chat) || !Jid.TryParse(mark.Sender, out var sender) || mark.MessageIds.Count == 0)
        {
            Sender.Tell(new SendRefused(_id, SendRefusal.BadRecipient, "a chat jid, a sender jid and at least one message id are needed"));
            return;
        }

        if (_phase != LinkPhase.Online || _connection is null)
        {
            Sender.Tell(new SendRefused(_id, SendRefusal.NotConnected, "read receipts go out only while connected"));
            return;
        }

        _connection.Tell(new SendNode(Receipts.Read(chat, sender, mark.MessageIds, _dependencies.Clock.GetUtcNow())));
        Sender.Tell(new ReadMarked(_id, mark.MessageIds.Count));
    }

    /// <summary>Starts the oldest queued send when connected and none is in flight: first the devices.</summary>
    private void TrySendNext()
    {
        if (_phase != LinkPhase.Online || _sending is not null || _outbound.First is not { } first || !MaySendNow())
        {
            return;
        }

        var work = _sending = new SendWork(first.Value);
        if (work.Entry.To.IsGroup)
        {
            StartGroupSend(work);
            return;
        }

        if (IsStatus(work.Entry.To))
        {
            StartStatusSend(work);
            return;
        }

        WithDevices(work, [work.Entry.To, new Jid(OwnUser, JidServer.WhatsApp)], devices => FanOut(work, devices));
    }

    /// <summary>
    /// Runs <paramref name="then"/> with the device lists of <paramref name="users"/>, read once (asked by usync for the
    /// ones not cached, the LIDs learned stored first), if <paramref name="work"/> is still the send in flight. Not
    /// answered (connection lost, timeout): the send stays queued for the next connection.
    /// </summary>
    private void WithDevices(SendWork work, IReadOnlyList<Jid> users, Action<DeviceListSnapshot> then)
    {
        var snapshot = _deviceLists.Snapshot(users, _dependencies.Clock.GetUtcNow());
        if (snapshot.Missing.Count == 0)
        {
            then(snapshot);
            return;
        }

        SendIq(id => DeviceDiscovery.DeviceQuery(id, snapshot.Missing), outcome =>
        {
            if (!ReferenceEquals(_sending, work))
            {
                return;
            }

            if (outcome is not IqAnswered answered || !TryRead(() => DeviceDiscovery.ReadDevices(answered.Result), out var answers))
            {
                MessagingLog.IqFailed(_logger, _id.Value, "usync", outcome.ToString());
                _sending = null;
                return;
            }

            foreach (var user in answers)
            {
                _deviceLists.Store(user.User, user.Devices, _dependencies.Clock.GetUtcNow());
            }

            var complete = snapshot.With(answers.Select(a => (a.User, a.Devices)));
            LearnLids(answers.Where(u => u.Lid is not null).Select(u => (u.User, u.Lid!.Value)), () =>
            {
                if (ReferenceEquals(_sending, work))
                {
                    then(complete);
                }
            });
        });
    }

    /// <summary>Asks each target device's ratchet actor to encrypt: the recipient's devices, and our other devices a DeviceSentMessage.</summary>
    private void FanOut(SendWork work, DeviceListSnapshot devices)
    {
        var ownDevice = OwnDeviceNumber;
        var recipients = devices.Of(work.Entry.To);
        var ownDevices = devices.Of(new Jid(OwnUser, JidServer.WhatsApp)).Where(d => d.Device != ownDevice);
        var content = MessagePadding.Pad(work.Entry.Content.ToByteArray());
        var copy = MessagePadding.Pad(new Message
        {
            DeviceSentMessage = new DeviceSentMessage { DestinationJID = work.Entry.To.ToString(), Message = work.Entry.Content },
        }.ToByteArray());
        foreach (var device in recipients)
        {
            work.Plaintexts[_lids.Canonical(device)] = content;
        }

        foreach (var device in ownDevices)
        {
            work.Plaintexts[_lids.Canonical(device)] = copy;
        }

        if (work.Plaintexts.Count == 0)
        {
            Settle(work, MessageDelivery.Failed, "the recipient has no devices");
            return;
        }

        foreach (var (device, plaintext) in work.Plaintexts)
        {
            work.Pending.Add(device);
            Ratchets.Request(device).Tell(new RatchetProtocol.Encrypt(work.Entry.MessageId, plaintext, Identity));
        }
    }

    private void OnEncrypted(RatchetProtocol.Encrypted encrypted)
    {
        Ratchets.Answered(encrypted.Device);
        if (encrypted.MessageId.StartsWith(RetryPrefix, StringComparison.Ordinal))
        {
            OnResendEncrypted(encrypted);
            return;
        }

        if (_sending is not { } work || work.Entry.MessageId != encrypted.MessageId || !work.Pending.Remove(encrypted.Device))
        {
            return;
        }

        work.Done[encrypted.Device] = encrypted.Ciphertext;
        ContinueSend(work);
    }

    private void OnEncryptFailed(RatchetProtocol.EncryptFailed failed)
    {
        Ratchets.Answered(failed.Device);
        if (failed.MessageId.StartsWith(RetryPrefix, StringComparison.Ordinal))
        {
            OnResendFailed(failed.MessageId[RetryPrefix.Length..], failed.Device, failed.Reason);
            return;
        }

        if (_sending is not { } work || work.Entry.MessageId != failed.MessageId || !work.Pending.Remove(failed.Device))
        {
            return;
        }

        if (failed.NoSession && !work.BundlesAsked)
        {
            work.NeedBundle.Add(failed.Device);
        }
        else
        {
            // A device we cannot encrypt for (its bundle was refused): the others still get the message.
            MessagingLog.SendFailed(_logger, _id.Value, work.Entry.MessageId, $"left out {failed.Device}: {failed.Reason}");
        }

        ContinueSend(work);
    }

    /// <summary>When every device has answered: fetch bundles for those without a session (once), or send the stanza.</summary>
    private void ContinueSend(SendWork work)
    {
        if (work.Pending.Count > 0)
        {
            return;
        }

        if (work.NeedBundle.Count > 0)
        {
            work.BundlesAsked = true;
            var devices = work.NeedBundle.ToList();
            work.NeedBundle.Clear();
            SendIq(id => DeviceDiscovery.BundleQuery(id, devices), outcome =>
            {
                if (!ReferenceEquals(_sending, work))
                {
                    return;
                }

                if (outcome is not IqAnswered answered)
                {
                    MessagingLog.IqFailed(_logger, _id.Value, "prekey bundle", outcome.ToString());
                    _sending = null;
                    return;
                }

                foreach (var (jid, bundle) in DeviceDiscovery.ReadBundles(answered.Result))
                {
                    var device = _lids.Canonical(jid);
                    if (devices.Contains(device) && work.Plaintexts.TryGetValue(device, out var plaintext))
                    {
                        work.Pending.Add(device);
                        Ratchets.Request(device).Tell(new RatchetProtocol.Encrypt(work.Entry.MessageId, plaintext, Identity, bundle));
                    }
                }

                ContinueSend(work);
            });
            return;
        }

        if (work.Done.Count == 0 && work.Skmsg is null)
        {
            Settle(work, MessageDelivery.Failed, "no device of the recipient could be encrypted for");
            return;
        }

        if (_connection is null || _phase != LinkPhase.Online)
        {
            _sending = null;
            return;
        }

        work.AwaitingAck = true;
        var stanza = work.Skmsg is not null
            ? GroupStanza(work)
            : OutboundStanzas.Message(work.Entry.MessageId, work.Entry.To, StanzaKind.Of(work.Entry.Content), work.Done.Select(d => (d.Key, d.Value)).ToList(), _registration!.AdvSignedIdentity);
        _connection.Tell(new SendNode(stanza));
        MessagingLog.Sent(_logger, _id.Value, work.Entry.MessageId, work.Done.Count);
        _dependencies.Metrics.MessageSent();
    }

    /// <summary>The server's <c>&lt;ack class="message"&gt;</c>: the send in flight is Sent, or Failed with the ack's error.</summary>
    private void OnMessageAck(Node ack)
    {
        if (_sending is not { AwaitingAck: true } work || ack.GetOptionalString("id") != work.Entry.MessageId)
        {
            return;
        }

        if (ack.GetOptionalString("error") is { } error)
        {
            Settle(work, MessageDelivery.Failed, "the server refused it with error " + error);
        }
        else
        {
            RecordSenderKeyShared(work);
            Settle(work, MessageDelivery.Sent, null);
        }
    }

    /// <summary>The send leaves the queue with its status, in one write; then the next one starts.</summary>
    private void Settle(SendWork work, MessageDelivery status, string? reason)
    {
        if (status == MessageDelivery.Failed)
        {
            MessagingLog.SendFailed(_logger, _id.Value, work.Entry.MessageId, reason ?? "unknown");
        }

        var settled = new OutboundSettled { MessageId = work.Entry.MessageId };
        if (work.Skmsg is not null)
        {
            settled.SenderKeyId = work.SenderKeyId;
        }

        var record = NextEvent(new MessageStatusBody(work.Entry.MessageId, work.Entry.To.ToString(), status, null, reason)).ToRecord();
        _lastEventSequence = record.Sequence;
        PersistAll<IMessage>([settled, record], stored =>
        {
            switch (stored)
            {
                case OutboundSettled:
                    ApplySettled(work.Entry.MessageId, settled.HasSenderKeyId ? settled.SenderKeyId : null);
                    break;
                case SessionEventRecord statusRecord:
                    ApplyEvent(statusRecord);
                    if (ReferenceEquals(_sending, work))
                    {
                        _sending = null;
                    }

                    TrySendNext();
                    break;
            }
        });
    }

    private void AbandonInFlightSend()
    {
        // Stays queued; the next connection sends it again with the same id, encrypted anew.
        _sending = null;
        _resends.Clear();
    }

    private void OnRatchetLostForSend(Jid device)
    {
        if (_sending is { } work && work.Pending.Remove(device))
        {
            ContinueSend(work);
        }
    }

    /// <summary>Receipts for our messages become statuses; a retry receipt is answered with a resend. Then the receipt is acked.</summary>
    private void OnReceiptStanza(Node receipt)
    {
        var type = receipt.GetOptionalString("type");
        var device = receipt.GetOptionalString("participant") ?? receipt.GetOptionalString("from") ?? "";
        if (type == "retry")
        {
            OnRetryReceipt(receipt);
        }

        var status = type switch
        {
            null or "" => MessageDelivery.Delivered,
            "read" => MessageDelivery.Read,
            "played" => MessageDelivery.Played,
            _ => (MessageDelivery?)null,
        };
        var ids = ReceiptIds(receipt).Where(_sent.ContainsKey).ToList();
        if (status is not { } delivery || ids.Count == 0)
        {
            _connection?.Tell(new SendNode(Receipts.Ack(receipt)));
            Ack();
            return;
        }

        var connection = _connection;
        PersistEvents(ids.Select(id => (SessionEventBody)new MessageStatusBody(id, _sent[id].To.ToString(), delivery, device)).ToList(), () =>
        {
            connection?.Tell(new SendNode(Receipts.Ack(receipt)));
            connection?.Tell(NodeAck.Instance);
        });
    }

    private static IEnumerable<string> ReceiptIds(Node receipt)
    {
        if (receipt.GetOptionalString("id") is { Length: > 0 } id)
        {
            yield return id;
        }

        foreach (var item in receipt.GetOptionalChild("list")?.GetChildren("item") ?? [])
        {
            if (item.GetOptionalString("id") is { Length: > 0 } more)
            {
                yield return more;
            }
        }
    }

    /// <summary>
    /// A device could not decrypt one of our messages: encrypt it again for that device — with a new session from the
    /// keys in the receipt, or from a fetched bundle from the second retry, else on the open session — and resend it.
    /// </summary>
    private void OnRetryReceipt(Node receipt)
    {
        _dependencies.Metrics.RetryReceiptReceived();
        var retry = receipt.GetOptionalChild("retry");
        var id = retry?.GetOptionalString("id") ?? receipt.GetOptionalString("id") ?? "";
        var count = retry?.GetOptionalInt("count") ?? 1;
        var asking = receipt.GetOptionalJid("participant") ?? receipt.GetOptionalJid("from");
        if (!_sent.TryGetValue(id, out var entry) || asking is not { } askingDevice)
        {
            return;
        }

        var device = _lids.Canonical(askingDevice);
        if (count > Retries.MaxRetries)
        {
            PersistEvents([new MessageStatusBody(id, entry.To.ToString(), MessageDelivery.Failed, askingDevice.ToString(), $"the device asked {count} times")], () => { });
            return;
        }

        var work = new ResendWork(entry, askingDevice, device, count, RetryBundle(receipt));
        _resends[ResendKey(id, device)] = work;
        MessagingLog.Resending(_logger, _id.Value, id, askingDevice.ToString(), count);
        if ((entry.To.IsGroup || IsStatus(entry.To)) && entry.SenderKeyId is { } keyId)
        {
            // It could not read the skmsg: our key's distribution goes inside the resent message (OnOwnShare).
            Groups.Request(entry.To).Tell(new GroupProtocol.ShareOwn(id, keyId, device));
            return;
        }

        // In a group or a status every device, ours included, gets the message itself (there is no DeviceSentMessage).
        EncryptResend(work, IsOwnAccount(askingDevice) && !entry.To.IsGroup && !IsStatus(entry.To)
            ? new Message { DeviceSentMessage = new DeviceSentMessage { DestinationJID = entry.To.ToString(), Message = entry.Content } }
            : entry.Content);
    }

    /// <summary>
    /// The group's sender-key actor recorded the asking device as holding our key: the resend carries that key's
    /// distribution beside the message, as whatsmeow's (retry.go) does, so the device reads this message pairwise and
    /// our next skmsg with the key. When our key changed since, the message goes alone.
    /// </summary>
    private void OnOwnShare(GroupProtocol.OwnShare share)
    {
        Groups.Answered(share.Group);
        if (!_resends.TryGetValue(ResendKey(share.MessageId, share.Device), out var work))
        {
            return;
        }

        var message = work.Entry.Content.Clone();
        if (share.Distribution is { } distribution)
        {
            message.SenderKeyDistributionMessage = new SenderKeyDistributionMessage
            {
                GroupID = share.Group.ToString(),
                AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution),
            };
        }

        EncryptResend(work, message);
    }

    /// <summary>Encrypt the resend for its device: from the retry receipt's keys, a fetched bundle from the second retry, else the open session.</summary>
    private void EncryptResend(ResendWork work, Message message)
    {
        work.Plaintext = MessagePadding.Pad(message.ToByteArray());
        if (work.Bundle is { } bundle)
        {
            Ratchets.Request(work.Device).Tell(new RatchetProtocol.Encrypt(RetryPrefix + work.Entry.MessageId, work.Plaintext, Identity, bundle));
        }
        else if (work.Count >= Retries.KeysFrom)
        {
            FetchBundleAndResend(work);
        }
        else
        {
            Ratchets.Request(work.Device).Tell(new RatchetProtocol.Encrypt(RetryPrefix + work.Entry.MessageId, work.Plaintext, Identity));
        }
    }

    private void FetchBundleAndResend(ResendWork work)
    {
        work.BundleAsked = true;
        SendIq(iqId => DeviceDiscovery.BundleQuery(iqId, [work.Address]), outcome =>
        {
            if (outcome is IqAnswered answered && DeviceDiscovery.ReadBundles(answered.Result).Values.FirstOrDefault() is { } bundle)
            {
                Ratchets.Request(work.Device).Tell(new RatchetProtocol.Encrypt(RetryPrefix + work.Entry.MessageId, work.Plaintext, Identity, bundle));
            }
            else
            {
                _resends.Remove(ResendKey(work.Entry.MessageId, work.Device));
                MessagingLog.IqFailed(_logger, _id.Value, "prekey bundle for a resend", outcome.ToString());
            }
        });
    }

    private void OnResendEncrypted(RatchetProtocol.Encrypted encrypted)
    {
        var id = encrypted.MessageId[RetryPrefix.Length..];
        if (!_resends.Remove(ResendKey(id, encrypted.Device), out var work) || _connection is null)
        {
            return;
        }

        var kind = StanzaKind.Of(work.Entry.Content);
        _connection.Tell(new SendNode(work.Entry.To.IsGroup || IsStatus(work.Entry.To)
            ? GroupStanzas.Resend(id, work.Entry.To, work.Address, kind, encrypted.Ciphertext, work.Count, _registration!.AdvSignedIdentity)
            : OutboundStanzas.Resend(id, work.Address, kind, encrypted.Ciphertext, work.Count, _registration!.AdvSignedIdentity)));
    }

    private void OnResendFailed(string id, Jid device, string reason)
    {
        if (!_resends.TryGetValue(ResendKey(id, device), out var work))
        {
            return;
        }

        if (!work.BundleAsked)
        {
            FetchBundleAndResend(work);
            return;
        }

        _resends.Remove(ResendKey(id, device));
        MessagingLog.SendFailed(_logger, _id.Value, id, $"no resend to {work.Address}: {reason}");
    }

    /// <summary>The bundle in a retry receipt's <c>&lt;keys&gt;</c> with its <c>&lt;registration&gt;</c>, or null when it has none or it does not read.</summary>
    private static PreKeyBundle? RetryBundle(Node receipt)
    {
        if (receipt.GetOptionalChild("keys") is not { } keys || receipt.GetOptionalChild("registration") is not { } registration)
        {
            return null;
        }

        try
        {
            return PreKeyBundleNode.Parse(new Node("user", null, [registration, .. keys.Children]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string ResendKey(string id, Jid device) => id + "|" + device;

    private void ApplyAccepted(OutboundEntry entry, string idempotencyKey, DateTimeOffset acceptedAt)
    {
        _outbound.AddLast(entry);
        RememberSentPoll(entry.MessageId, entry.To, entry.Content);
        if (idempotencyKey.Length > 0)
        {
            _idempotency.Add(idempotencyKey, entry.MessageId, acceptedAt, _dependencies.Clock.GetUtcNow());
        }

        if (_sent.TryAdd(entry.MessageId, entry))
        {
            _sentOrder.Enqueue(entry.MessageId);
        }

        while (_sentOrder.Count > RememberedSent)
        {
            _sent.Remove(_sentOrder.Dequeue());
        }
    }

    /// <summary>The send left the queue; a group or status send's entry keeps the id of the sender key it used.</summary>
    private void ApplySettled(string messageId, uint? senderKeyId = null)
    {
        if (senderKeyId is { } keyId && _sent.TryGetValue(messageId, out var sent))
        {
            _sent[messageId] = sent with { SenderKeyId = keyId };
        }

        for (var node = _outbound.First; node is not null; node = node.Next)
        {
            if (node.Value.MessageId == messageId)
            {
                _outbound.Remove(node);
                return;
            }
        }
    }

    /// <summary>This session's phone number (the user of its device jid).</summary>
    private string OwnUser => Jid.Parse(_registration!.DeviceJid!).User;

    /// <summary>An accepted send: its id, the user or group it goes to, and its content; a status also its audience (user jids).</summary>
    private sealed record OutboundEntry(string MessageId, Jid To, Message Content)
    {
        public IReadOnlyList<Jid> Audience { get; init; } = [];

        /// <summary>A group or status send once settled: the id of our sender key its skmsg used.</summary>
        public uint? SenderKeyId { get; init; }

        public static OutboundEntry From(OutboundAccepted accepted) =>
            new(accepted.MessageId, Jid.Parse(accepted.To), Message.Parser.ParseFrom(accepted.Message)) { Audience = [.. accepted.Audience.Select(Jid.Parse)] };
    }

    /// <summary>The send in flight: what each device gets, who has answered, and whether the stanza waits for its ack.</summary>
    private sealed class SendWork(OutboundEntry entry)
    {
        public OutboundEntry Entry { get; } = entry;

        public Dictionary<Jid, byte[]> Plaintexts { get; } = [];

        public HashSet<Jid> Pending { get; } = [];

        public HashSet<Jid> NeedBundle { get; } = [];

        public Dictionary<Jid, CiphertextMessage> Done { get; } = [];

        public bool BundlesAsked { get; set; }

        public bool AwaitingAck { get; set; }

        /// <summary>A group send: the skmsg for every member device (null until the group's actor made it, and for 1:1 sends).</summary>
        public byte[]? Skmsg { get; set; }

        /// <summary>A group send: the id of our sender key the skmsg used.</summary>
        public uint SenderKeyId { get; set; }

        /// <summary>A group send: the member devices it goes to.</summary>
        public IReadOnlyList<Jid> GroupDevices { get; set; } = [];
    }

    /// <summary>A resend a retry receipt asked for: the device (as it asked, and the ratchet's address), the retry count and the receipt's keys.</summary>
    private sealed class ResendWork(OutboundEntry entry, Jid address, Jid device, int count, PreKeyBundle? bundle)
    {
        public OutboundEntry Entry { get; } = entry;

        public Jid Address { get; } = address;

        public Jid Device { get; } = device;

        public int Count { get; } = count;

        public PreKeyBundle? Bundle { get; } = bundle;

        /// <summary>The padded message, set once it is known (a group's waits for our key's distribution).</summary>
        public byte[] Plaintext { get; set; } = [];

        public bool BundleAsked { get; set; }
    }
}
