using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions;

/// <summary>
/// Receiving (docs/PROTOCOL.md §10, the architecture's promise): a message goes to the sender device's ratchet actor,
/// which makes its step durable and answers the plaintext; the session then writes the MessageReceived event (with the
/// one-time prekey it consumed and any LID pair it taught) and only then sends the receipt and takes the next stanza.
/// A crash before the event: the server redelivers, and the ratchet answers from its stored plaintext. A copy that
/// arrives again after the event is recognized by sender and id and only receipted. A message that does not decrypt is
/// an Undecryptable event and a retry receipt (keys from the second), at most <see cref="Retries.MaxRetries"/> times.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>
    /// How many inbound message keys (sender + id) are remembered to recognize redeliveries: a redelivery is a copy whose
    /// receipt was lost with a connection, and a session stores one message at a time, so this is far more than can be
    /// in flight; the ratchet actors also answer their last 32 from the stored plaintext.
    /// </summary>
    private const int RememberedInbound = 4_096;

    private readonly StoredInbound _seenInbound = new(RememberedInbound);
    private readonly Dictionary<string, int> _inboundRetries = [];
    private InboundWork? _inbound;

    private void OnMessageStanza(Node node)
    {
        InboundMessage message;
        try
        {
            message = InboundMessage.Parse(node, _dependencies.Clock.GetUtcNow());
        }
        catch (InboundStanzaException e)
        {
            // 487: the parsing error code of a nack (§10). The stanza changes nothing.
            MessagingLog.MalformedStanza(_logger, _id.Value, node.Tag, e.Message);
            _connection?.Tell(new SendNode(Receipts.Ack(node, "487")));
            Ack();
            return;
        }

        var key = InboundKey(message);
        if (_seenInbound.Contains(key))
        {
            // Stored already (a redelivery after a lost receipt): only the receipt again.
            _connection?.Tell(new SendNode(Receipts.Delivery(message, IsOwnAccount(message.SenderDevice), ChatOfOwnCopy(message, null))));
            Ack();
            return;
        }

        var device = _lids.Canonical(message.SenderDevice);
        var pairwise = message.Encs.FirstOrDefault(e => e.Type is "pkmsg" or "msg");
        var groupEnc = message.InGroup ? message.Encs.FirstOrDefault(e => e.Type == "skmsg") : null;
        if (pairwise is null && groupEnc is null)
        {
            var reason = message.Encs.Count == 0 ? "the message has no <enc>" : "no <enc> of a known type";
            NotDecrypted(new InboundWork(message, key, device), reason, retry: true);
            return;
        }

        var work = _inbound = new InboundWork(message, key, device) { Pairwise = pairwise, GroupEnc = groupEnc };
        if (pairwise is null)
        {
            DecryptGroupPart(work);
            return;
        }

        var ciphertext = new CiphertextMessage(pairwise.Type == "pkmsg" ? CiphertextType.PreKey : CiphertextType.Whisper, pairwise.Ciphertext.ToArray());
        Ratchets.Request(device).Tell(new RatchetProtocol.Decrypt(message.Id, ciphertext, Identity, new PreKeys.Source(_registration!, _preKeys)));
    }

    private void OnDecrypted(RatchetProtocol.Decrypted decrypted)
    {
        Ratchets.Answered(decrypted.Device);
        if (_inbound is not { } work || work.Message.Id != decrypted.MessageId || !work.Device.Equals(decrypted.Device))
        {
            // Its connection is gone; the server redelivers it and the ratchet answers from its stored plaintext.
            return;
        }

        if (ReadContent(work, work.Pairwise!, decrypted.Plaintext) is not { } content)
        {
            return;
        }

        work.ConsumedPreKeyId = decrypted.ConsumedPreKeyId;
        work.IdentityChanged = decrypted.IdentityChanged;
        work.PairwiseContent = content;
        if (work.Message.InGroup && content.SenderKeyDistributionMessage is { AxolotlSenderKeyDistributionMessage.Length: > 0 } distribution)
        {
            // The sender key comes first; the skmsg beside it is decrypted with it.
            Groups.Request(work.Message.From.ToNonAd()).Tell(new GroupProtocol.ProcessDistribution(work.Message.Id, work.Device, distribution.AxolotlSenderKeyDistributionMessage.ToByteArray()));
            return;
        }

        if (work.GroupEnc is not null)
        {
            DecryptGroupPart(work);
            return;
        }

        Store(work, content);
    }

    private void OnDistributionProcessed(GroupProtocol.DistributionProcessed processed)
    {
        Groups.Answered(processed.Group);
        if (_inbound is not { } work || work.Message.Id != processed.MessageId || !work.Device.Equals(processed.Sender))
        {
            return;
        }

        if (work.GroupEnc is not null)
        {
            DecryptGroupPart(work);
        }
        else
        {
            Store(work, work.PairwiseContent!);
        }
    }

    private void DecryptGroupPart(InboundWork work) =>
        Groups.Request(work.Message.From.ToNonAd()).Tell(new GroupProtocol.DecryptGroupMessage(work.Message.Id, work.Device, work.GroupEnc!.Ciphertext.ToArray()));

    private void OnGroupDecrypted(GroupProtocol.GroupDecrypted decrypted)
    {
        Groups.Answered(decrypted.Group);
        if (_inbound is not { } work || work.Message.Id != decrypted.MessageId || !work.Device.Equals(decrypted.Sender))
        {
            return;
        }

        if (ReadContent(work, work.GroupEnc!, decrypted.Plaintext) is { } content)
        {
            Store(work, content);
        }
    }

    private void OnGroupFailed(GroupProtocol.GroupFailed failed)
    {
        Groups.Answered(failed.Group);
        if (_inbound is not { } work || work.Message.Id != failed.MessageId || !work.Device.Equals(failed.Sender))
        {
            return;
        }

        NotDecrypted(work, "sender key: " + failed.Reason, retry: true);
    }

    /// <summary>The <c>waE2E.Message</c> in a plaintext (unpadded unless <c>v="3"</c>, §9), or null after reporting it undecryptable.</summary>
    private Message? ReadContent(InboundWork work, InboundEnc enc, byte[] plaintext)
    {
        ReadOnlyMemory<byte> padded = plaintext;
        if (enc.Version != "3" && !MessagePadding.TryUnpad(plaintext, out padded))
        {
            NotDecrypted(work, "the plaintext's padding is malformed", retry: true);
            return null;
        }

        try
        {
            return Message.Parser.ParseFrom(padded.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            NotDecrypted(work, "the plaintext is not a message: " + e.Message, retry: true);
            return null;
        }
    }

    /// <summary>
    /// Writes what the message taught and brought — the consumed one-time prekey, new PN↔LID pairs, the MessageReceived
    /// event (none for a pairwise part that only hands over a sender key) — in one write; then the receipt and the next stanza.
    /// </summary>
    private void Store(InboundWork work, Message content)
    {
        var message = work.Message;
        var fromMe = IsOwnAccount(message.SenderDevice);
        var sentCopy = fromMe ? content.DeviceSentMessage : null;
        var chat = ChatOf(message, sentCopy);
        MessageReceivedBody? body = OnlyDistribution(content) ? null : new MessageReceivedBody(
            message.Id,
            chat.ToString(),
            (AlternateOf(chat, message) ?? (Jid?)null)?.ToString(),
            message.SenderDevice.ToNonAd().ToString(),
            (message.SenderPhone?.ToNonAd() ?? _lids.Alternate(message.SenderDevice.ToNonAd()))?.ToString(),
            message.SenderDevice.ToString(),
            message.Timestamp,
            fromMe,
            sentCopy?.Message ?? content,
            message.Offline,
            message.PushName);

        var pairs = new List<(Jid Phone, Jid Lid)>();
        if (message.SenderPhone is { } phone && message.SenderDevice.IsLid)
        {
            pairs.Add((phone.ToNonAd(), message.SenderDevice.ToNonAd()));
        }

        if (message.RecipientPhone is { } recipientPhone && message.Recipient is { IsLid: true } recipientLid)
        {
            pairs.Add((recipientPhone.ToNonAd(), recipientLid.ToNonAd()));
        }

        LearnLids(pairs, () =>
        {
            List<IMessage> writes = [];
            if (work.ConsumedPreKeyId is { } consumed)
            {
                writes.Add(new PreKeysConsumed { Ids = { consumed } });
            }

            if (work.IdentityChanged)
            {
                MessagingLog.IdentityChanged(_logger, _id.Value, message.SenderDevice.ToString());
                var changed = NextEvent(new ContactIdentityChangedBody(message.SenderDevice.ToString(), IdentityChangeSource.Message)).ToRecord();
                _lastEventSequence = changed.Sequence;
                writes.Add(changed);
            }

            if (body is not null)
            {
                var record = NextEvent(body).ToRecord();
                _lastEventSequence = record.Sequence;
                writes.Add(record);
            }

            if (writes.Count == 0)
            {
                Stored(work, fromMe, sentCopy);
                return;
            }

            var remaining = writes.Count;
            PersistAll(writes, stored =>
            {
                switch (stored)
                {
                    case PreKeysConsumed used:
                        _preKeys = _preKeys.Remove(used.Ids);
                        break;
                    case SessionEventRecord record:
                        ApplyEvent(record);
                        break;
                }

                if (--remaining == 0)
                {
                    Stored(work, fromMe, sentCopy);
                }
            });
        });
    }

    /// <summary>The message is durable: remembered, receipted, and the connection may hand over the next stanza.</summary>
    private void Stored(InboundWork work, bool fromMe, DeviceSentMessage? sentCopy)
    {
        Remember(work.Key);
        _inboundRetries.Remove(work.Key);
        MessagingLog.Received(_logger, _id.Value, work.Message.Id, work.Message.SenderDevice.ToString());
        if (ReferenceEquals(_inbound, work))
        {
            _inbound = null;
            _connection?.Tell(new SendNode(Receipts.Delivery(work.Message, fromMe, ChatOfOwnCopy(work.Message, sentCopy))));
            Ack();
        }
    }

    /// <summary>Whether a message only hands over a sender key (a group message's pairwise part; the skmsg beside it is the message).</summary>
    private static bool OnlyDistribution(Message content)
    {
        if (content.SenderKeyDistributionMessage is null)
        {
            return false;
        }

        var rest = content.Clone();
        rest.SenderKeyDistributionMessage = null;
        rest.MessageContextInfo = null;
        return rest.CalculateSize() == 0;
    }

    private void OnDecryptFailed(RatchetProtocol.DecryptFailed failed)
    {
        Ratchets.Answered(failed.Device);
        if (_inbound is not { } work || work.Message.Id != failed.MessageId || !work.Device.Equals(failed.Device))
        {
            return;
        }

        // Every failure asks again, DuplicateMessage too: a copy we stored was recognized by its id before decrypting, so
        // this is a new message on a used key — a sender whose ratchet went back (Baileys' key-store race, docs/SESSIONS.md).
        // The reason already starts with the failure's name (ProtocolFailureException's message).
        NotDecrypted(work, failed.Reason, retry: true);
    }

    /// <summary>Writes the Undecryptable event, then asks the sender again (a retry receipt) or, past the limit or without <paramref name="retry"/>, acks it.</summary>
    private void NotDecrypted(InboundWork work, string reason, bool retry)
    {
        _inbound = work;
        var message = work.Message;
        var count = _inboundRetries.GetValueOrDefault(work.Key) + 1;
        var ask = retry && count <= Retries.MaxRetries;
        if (ask)
        {
            _inboundRetries[work.Key] = count;
            MessagingLog.Undecryptable(_logger, _id.Value, message.Id, message.SenderDevice.ToString(), reason, count);
        }
        else
        {
            _inboundRetries.Remove(work.Key);
            MessagingLog.GivenUp(_logger, _id.Value, message.Id, message.SenderDevice.ToString(), reason, count - 1);
        }

        // From the second retry the receipt carries our keys with a one-time prekey made for it alone (as whatsmeow does):
        // the sender builds a new session on it, and a key shared by two retries would be consumed by the first.
        var retryKey = ask && count >= Retries.KeysFrom
            ? OneTimePreKeys.Generate(_dependencies.Random, _nextPreKeyId ?? _registration!.NextPreKeyId, 1)
            : null;
        var generated = retryKey is null ? null : OneTimePreKeys.Seal(retryKey, Sealing, _sealContext);
        var record = NextEvent(new UndecryptableBody(message.Id, ChatOf(message, null).ToString(), message.SenderDevice.ToString(), ask ? count : count - 1, reason)).ToRecord();
        _lastEventSequence = record.Sequence;
        List<IMessage> writes = generated is null ? [record] : [generated, record];
        PersistAll(writes, stored =>
        {
            if (stored is PreKeysGenerated)
            {
                _nextPreKeyId = generated!.NextPrekeyId;
                _preKeys = _preKeys.Add(retryKey!);
                return;
            }

            ApplyEvent((SessionEventRecord)stored);
            if (!ReferenceEquals(_inbound, work))
            {
                return;
            }

            _inbound = null;
            if (ask)
            {
                // The stanza stays unacknowledged at the server until the receipt leaves; the connection goes on meanwhile.
                var keys = retryKey is null ? null : Receipts.RetryKeys(_registration!, retryKey[0]);
                var due = new RetryReceiptDue(_connection, Receipts.Retry(message, count, _registration!, keys));
                Timers.StartSingleTimer("retry-receipt|" + work.Key, due, _dependencies.Messaging.RetryReceiptDelay(count));
            }
            else
            {
                _connection?.Tell(new SendNode(Receipts.Ack(new Node("message", [("id", message.Id), ("from", message.From.ToString()), .. Participant(message)]))));
            }

            Ack();
        });
    }

    /// <summary>A ratchet actor stopped with the inbound message pending: it is not decryptable now; the sender is asked again.</summary>
    private void OnRatchetLost(Jid device)
    {
        if (_inbound is { } work && work.Device.Equals(device))
        {
            NotDecrypted(work, "the ratchet could not be loaded", retry: true);
        }

        OnRatchetLostForSend(device);
    }

    /// <summary>The chat a message belongs to: the group; for a copy of our own send, the chat it went to; else the sender.</summary>
    private static Jid ChatOf(InboundMessage message, DeviceSentMessage? sentCopy)
    {
        if (message.InGroup)
        {
            return message.From.ToNonAd();
        }

        if (sentCopy is not null && Jid.TryParse(sentCopy.DestinationJID, out var destination))
        {
            return destination.ToNonAd();
        }

        return message.Recipient?.ToNonAd() ?? message.From.ToNonAd();
    }

    private Jid? AlternateOf(Jid chat, InboundMessage message) =>
        chat.IsGroup ? null
        : message.Recipient is { } recipient && recipient.ToNonAd().Equals(chat) && message.RecipientPhone is { } phone ? phone.ToNonAd()
        : message.SenderPhone is { } sender && message.SenderDevice.ToNonAd().Equals(chat) ? sender.ToNonAd()
        : _lids.Alternate(chat);

    /// <summary>The <c>recipient</c> of a <c>sender</c> receipt: the chat of our own copy when known.</summary>
    private string? ChatOfOwnCopy(InboundMessage message, DeviceSentMessage? sentCopy) =>
        IsOwnAccount(message.SenderDevice) && !message.InGroup
            ? (sentCopy?.DestinationJID is { Length: > 0 } destination ? destination : message.Recipient?.ToString())
            : null;

    private static IEnumerable<NodeAttribute> Participant(InboundMessage message) =>
        message.Participant is { } participant ? [("participant", participant)] : [];

    private string InboundKey(InboundMessage message) => _lids.Canonical(message.SenderDevice.ToNonAd()) + "/" + message.Id;

    private void Remember(string key) => _seenInbound.Add(key);

    /// <summary>Recovery: a stored MessageReceived is a message already had.</summary>
    private void ApplyMessagingEvent(SessionEventRecord record)
    {
        if (record.BodyCase == SessionEventRecord.BodyOneofCase.MessageReceived && Jid.TryParse(record.MessageReceived.Sender, out var sender))
        {
            Remember(_lids.Canonical(sender) + "/" + record.MessageReceived.MessageId);
        }
    }

    private void OnRetryReceiptDue(RetryReceiptDue due)
    {
        // A receipt for a connection that has gone is dropped: the server redelivers the message to the next one.
        if (due.Connection is { } connection && connection.Equals(_connection))
        {
            connection.Tell(new SendNode(due.Receipt));
        }
    }

    /// <summary>A retry receipt whose wait is over (a timer message to self), for the connection it was made on.</summary>
    private sealed record RetryReceiptDue(Akka.Actor.IActorRef? Connection, Node Receipt);

    /// <summary>
    /// The inbound message being handled (the connection gives the next stanza only when it is done): its pairwise and
    /// group encs, and what the pairwise part gave on the way (content, the one-time prekey it consumed).
    /// </summary>
    private sealed record InboundWork(InboundMessage Message, string Key, Jid Device)
    {
        public InboundEnc? Pairwise { get; init; }

        public InboundEnc? GroupEnc { get; init; }

        public Message? PairwiseContent { get; set; }

        public uint? ConsumedPreKeyId { get; set; }

        public bool IdentityChanged { get; set; }
    }
}
