using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Content;
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
///
/// Pairwise messages are pipelined: up to <see cref="InboundWindow"/> are decrypted at once (each by its device's
/// ratchet, in arrival order per device), and they are stored strictly in arrival order, every message that is ready
/// at the head in one atomic write, each receipted only after that write. Under a backlog that makes one event write
/// and one ratchet write per batch instead of per message. Anything else (a group message, a receipt, a
/// notification) waits until the window is empty and is handled alone, as before.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>
    /// How many inbound message keys (sender + id) are remembered to recognize redeliveries: a redelivery is a copy whose
    /// receipt was lost with a connection, and a session stores one message at a time, so this is far more than can be
    /// in flight; the ratchet actors also answer their last 32 from the stored plaintext.
    /// </summary>
    private const int RememberedInbound = 4_096;

    /// <summary>How many pairwise messages may be in hand at once (decrypting or waiting to be stored).</summary>
    private const int InboundWindow = 32;

    private readonly StoredInbound _seenInbound = new(RememberedInbound);
    private readonly Dictionary<string, int> _inboundRetries = [];

    // The messages in hand, in arrival order; the one the connection was not yet told to follow (the window was full);
    // stanzas that wait for the window to empty (not acknowledged to the connection, so at most one comes after it);
    // how many store writes of inbound messages are in flight.
    private readonly List<InboundWork> _inflight = [];
    private InboundWork? _unpulled;
    private readonly Queue<Node> _waitingForWindow = new();
    private int _inboundStores;

    /// <summary>
    /// Whether <paramref name="node"/> must wait for the messages in hand to be stored first (it is answered in order
    /// after them): anything but a message that can join the window. Held stanzas are not acknowledged to the
    /// connection, so nothing arrives after them until they are handled.
    /// </summary>
    private bool WaitsForWindow(Node node)
    {
        if (_waitingForWindow.Count == 0 && (_inflight.Count == 0 || CanJoinWindow(node)))
        {
            return false;
        }

        _waitingForWindow.Enqueue(node);
        return true;
    }

    /// <summary>A one-to-one message, while the window has room: it may be decrypted beside the ones in hand.</summary>
    private bool CanJoinWindow(Node node) =>
        node.Tag == "message" && _inflight.Count < InboundWindow && node.GetOptionalString("participant") is null
        && !(node.GetOptionalString("from") is { } from && (from.EndsWith("@g.us", StringComparison.Ordinal) || from.EndsWith("@broadcast", StringComparison.Ordinal)));

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

        if (_inflight.Any(w => w.Key == key))
        {
            // The same copy again while the first is in hand: the first one's receipt answers both.
            Ack();
            return;
        }

        var device = _lids.Canonical(message.SenderDevice);
        var pairwise = message.Encs.FirstOrDefault(e => e.Type is "pkmsg" or "msg");
        var groupEnc = message.InGroup ? message.Encs.FirstOrDefault(e => e.Type == "skmsg") : null;
        var work = new InboundWork(message, key, device) { Pairwise = pairwise, GroupEnc = groupEnc };
        _inflight.Add(work);
        if (pairwise is null && groupEnc is null)
        {
            var reason = message.Encs.Count == 0 ? "the message has no <enc>" : "no <enc> of a known type";
            work.Failure = (reason, true);
            TryStoreInbound();
            return;
        }

        if (pairwise is null)
        {
            DecryptGroupPart(work);
            return;
        }

        var ciphertext = new CiphertextMessage(pairwise.Type == "pkmsg" ? CiphertextType.PreKey : CiphertextType.Whisper, pairwise.Ciphertext.ToArray());
        Ratchets.Request(device).Tell(new RatchetProtocol.Decrypt(message.Id, ciphertext, Identity, new PreKeys.Source(_registration!, _preKeys)));
        if (message.InGroup)
        {
            // A group message (its sender key may come with it) is handled alone: nothing follows until it is stored.
            return;
        }

        if (_inflight.Count < InboundWindow)
        {
            work.Pulled = true;
            Ack();
        }
        else
        {
            _unpulled = work;
        }
    }

    /// <summary>The message in hand that <paramref name="device"/>'s answer about <paramref name="messageId"/> belongs to.</summary>
    private InboundWork? InHand(Jid device, string messageId) =>
        _inflight.Find(w => w.Message.Id == messageId && w.Device.Equals(device) && w.Content is null && w.Failure is null && w.HistoryContent is null);

    private void OnDecrypted(RatchetProtocol.Decrypted decrypted)
    {
        Ratchets.Answered(decrypted.Device);
        if (InHand(decrypted.Device, decrypted.MessageId) is not { } work)
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

        Ready(work, content);
    }

    private void OnDistributionProcessed(GroupProtocol.DistributionProcessed processed)
    {
        Groups.Answered(processed.Group);
        if (InHand(processed.Sender, processed.MessageId) is not { } work)
        {
            return;
        }

        if (work.GroupEnc is not null)
        {
            DecryptGroupPart(work);
        }
        else
        {
            Ready(work, work.PairwiseContent!);
        }
    }

    private void DecryptGroupPart(InboundWork work) =>
        Groups.Request(work.Message.From.ToNonAd()).Tell(new GroupProtocol.DecryptGroupMessage(work.Message.Id, work.Device, work.GroupEnc!.Ciphertext.ToArray()));

    private void OnGroupDecrypted(GroupProtocol.GroupDecrypted decrypted)
    {
        Groups.Answered(decrypted.Group);
        if (InHand(decrypted.Sender, decrypted.MessageId) is not { } work)
        {
            return;
        }

        if (ReadContent(work, work.GroupEnc!, decrypted.Plaintext) is { } content)
        {
            Ready(work, content);
        }
    }

    private void OnGroupFailed(GroupProtocol.GroupFailed failed)
    {
        Groups.Answered(failed.Group);
        if (InHand(failed.Sender, failed.MessageId) is not { } work)
        {
            return;
        }

        Failed(work, "sender key: " + failed.Reason, retry: true);
    }

    /// <summary>The <c>waE2E.Message</c> in a plaintext (unpadded unless <c>v="3"</c>, §9), or null after reporting it undecryptable.</summary>
    private Message? ReadContent(InboundWork work, InboundEnc enc, byte[] plaintext)
    {
        ReadOnlyMemory<byte> padded = plaintext;
        if (enc.Version != "3" && !MessagePadding.TryUnpad(plaintext, out padded))
        {
            Failed(work, "the plaintext's padding is malformed", retry: true);
            return null;
        }

        try
        {
            return Message.Parser.ParseFrom(padded.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            Failed(work, "the plaintext is not a message: " + e.Message, retry: true);
            return null;
        }
    }

    /// <summary>The message decrypted and parsed: it waits for the ones before it, then is stored with the ready ones after them.</summary>
    private void Ready(InboundWork work, Message content)
    {
        if (work.History is null && HistoryNotificationOf(content) is { } notification)
        {
            // A history-sync chunk is read first (maybe downloaded) and stored as history.sync events, never as a message.
            ReadHistory(work, content, notification);
            return;
        }

        work.Content = content;
        TryStoreInbound();
    }

    /// <summary>The message could not be read: in its turn it becomes an Undecryptable event (and a retry receipt when <paramref name="retry"/>).</summary>
    private void Failed(InboundWork work, string reason, bool retry)
    {
        work.Failure = (reason, retry);
        TryStoreInbound();
    }

    /// <summary>
    /// Stores what is ready at the head of the messages in hand, in arrival order, one write at a time: the run of
    /// decrypted messages in one atomic write, or a failed one alone (its Undecryptable event and retry receipt).
    /// </summary>
    private void TryStoreInbound()
    {
        if (_inboundStores > 0 || _inflight.Count == 0)
        {
            return;
        }

        var head = _inflight[0];
        if (head.Failure is { } failure)
        {
            _inboundStores++;
            NotDecrypted(head, failure.Reason, failure.Retry);
            return;
        }

        var batch = _inflight.TakeWhile(w => w.Content is not null).ToList();
        if (batch.Count > 0)
        {
            _inboundStores++;
            Store(batch);
        }
    }

    /// <summary>
    /// Writes what the messages taught and brought — for each, the consumed one-time prekey, new PN↔LID pairs, an
    /// identity change, the MessageReceived event (none for a pairwise part that only hands over a sender key) — in one
    /// write; then each one's receipt, and the next stanzas.
    /// </summary>
    private void Store(IReadOnlyList<InboundWork> batch)
    {
        var pairs = new List<(Jid Phone, Jid Lid)>();
        foreach (var work in batch)
        {
            var message = work.Message;
            if (message.SenderPhone is { } phone && message.SenderDevice.IsLid)
            {
                pairs.Add((phone.ToNonAd(), message.SenderDevice.ToNonAd()));
            }

            if (message.RecipientPhone is { } recipientPhone && message.Recipient is { IsLid: true } recipientLid)
            {
                pairs.Add((recipientPhone.ToNonAd(), recipientLid.ToNonAd()));
            }

            if (work.History is { } history)
            {
                // A history chunk's mappings are stored before its events, as usync answers are.
                pairs.AddRange(history.Pairs);
            }
        }

        LearnLids(pairs, () =>
        {
            var writes = batch.SelectMany(WritesOf).ToList();
            if (writes.Count == 0)
            {
                StoredBatch(batch);
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
                    case AppStateKeysStored keys:
                        OnAppStateKeysStored(keys);
                        break;
                }

                if (--remaining == 0)
                {
                    StoredBatch(batch);
                }
            });
        });
    }

    /// <summary>One message's writes: the prekey it consumed, an identity change, and its MessageReceived event.</summary>
    private List<IMessage> WritesOf(InboundWork work)
    {
        var message = work.Message;
        var content = work.Content!;
        var fromMe = IsOwnAccount(message.SenderDevice);
        var sentCopy = fromMe ? content.DeviceSentMessage : null;
        work.SentCopy = sentCopy;
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

        if (work.History is { } history)
        {
            foreach (var batch in history.Batches)
            {
                var historyRecord = NextEvent(batch).ToRecord();
                _lastEventSequence = historyRecord.Sequence;
                writes.Add(historyRecord);
            }

            work.Stored = history.Batches.Count > 0;
            return writes;
        }

        if (AppStateKeyShareOf(content) is { } keyShare)
        {
            // Key material: stored sealed (SessionActor.AppState.cs), never as a message event.
            writes.AddRange(AppStateKeyWrites(message.SenderDevice, keyShare));
            return writes;
        }

        var chat = ChatOf(message, sentCopy);
        if (!OnlyDistribution(content) && !Settings.Ignore.Ignores(chat.ToString()))
        {
            var body = new MessageReceivedBody(
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
                message.PushName)
            {
                TargetFromMe = MessageTargets.TargetFromMe(sentCopy?.Message ?? content, fromMe, IsOwnAccount),
            };
            var record = NextEvent(VoteOr(body)).ToRecord();
            _lastEventSequence = record.Sequence;
            writes.Add(record);
            work.Stored = true;
        }

        return writes;
    }

    /// <summary>The batch is durable: each message remembered and receipted, in order; then the next ones.</summary>
    private void StoredBatch(IReadOnlyList<InboundWork> batch)
    {
        foreach (var work in batch)
        {
            Remember(work.Key);
            _inboundRetries.Remove(work.Key);
            MessagingLog.Received(_logger, _id.Value, work.Message.Id, work.Message.SenderDevice.ToString());
            _dependencies.Metrics.MessagesReceived(_id, 1);
            if (_inflight.Contains(work))
            {
                _connection?.Tell(new SendNode(Receipts.Delivery(work.Message, IsOwnAccount(work.Message.SenderDevice), ChatOfOwnCopy(work.Message, work.SentCopy))));
                if (work.Stored && Settings.ReadReceipts && !work.Message.Peer && !IsOwnAccount(work.Message.SenderDevice))
                {
                    // The readReceipts setting: read as soon as stored (the sender sees blue ticks).
                    _connection?.Tell(new SendNode(Receipts.Read(work.Message.From.ToNonAd(), work.Message.SenderDevice.ToNonAd(), [work.Message.Id], _dependencies.Clock.GetUtcNow())));
                }
            }
        }

        InboundStored(batch);
    }

    /// <summary>
    /// A store write is done: its messages leave the window, the connection may hand over more, a stanza that waited for
    /// the window is handled once it is empty, and what is ready next is stored.
    /// </summary>
    private void InboundStored(IReadOnlyList<InboundWork> works)
    {
        _inboundStores--;
        foreach (var work in works)
        {
            if (!_inflight.Remove(work))
            {
                // From a connection that has gone (OnOffline emptied the window): nothing to acknowledge.
                continue;
            }

            if (!work.Pulled)
            {
                // Handled alone (a group message) or admitted into a full window: the connection waits for this.
                work.Pulled = true;
                Ack();
            }
        }

        if (_unpulled is { } unpulled && _inflight.Count < InboundWindow)
        {
            _unpulled = null;
            if (!unpulled.Pulled)
            {
                unpulled.Pulled = true;
                Ack();
            }
        }

        // In arrival order: what may join the window does; anything else waits for it to be empty.
        while (_waitingForWindow.TryPeek(out var waiting) && (_inflight.Count == 0 || CanJoinWindow(waiting)))
        {
            _waitingForWindow.Dequeue();
            HandleOnlineNode(waiting);
        }

        TryStoreInbound();
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
        if (InHand(failed.Device, failed.MessageId) is not { } work)
        {
            return;
        }

        // Every failure asks again, DuplicateMessage too: a copy we stored was recognized by its id before decrypting, so
        // this is a new message on a used key — a sender whose ratchet went back (Baileys' key-store race, docs/SESSIONS.md).
        // The reason already starts with the failure's name (ProtocolFailureException's message).
        Failed(work, failed.Reason, retry: true);
    }

    /// <summary>Writes the Undecryptable event, then asks the sender again (a retry receipt) or, past the limit or without <paramref name="retry"/>, acks it.</summary>
    private void NotDecrypted(InboundWork work, string reason, bool retry)
    {
        var message = work.Message;
        if (Settings.Ignore.Ignores(ChatOf(message, null).ToString()))
        {
            // A chat the settings ignore: acknowledged, nothing stored, nobody asked again.
            _inboundRetries.Remove(work.Key);
            if (_inflight.Contains(work))
            {
                _connection?.Tell(new SendNode(PlainAck(message)));
            }

            InboundStored([work]);
            return;
        }

        var count = _inboundRetries.GetValueOrDefault(work.Key) + 1;
        var ask = retry && count <= Retries.MaxRetries;
        _dependencies.Metrics.DecryptFailed();
        if (ask)
        {
            _inboundRetries[work.Key] = count;
            _dependencies.Metrics.RetryReceiptSent();
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
            if (_inflight.Contains(work))
            {
                if (ask)
                {
                    // The stanza stays unacknowledged at the server until the receipt leaves; the connection goes on meanwhile.
                    var keys = retryKey is null ? null : Receipts.RetryKeys(_registration!, retryKey[0]);
                    var due = new RetryReceiptDue(_connection, Receipts.Retry(message, count, _registration!, keys));
                    Timers.StartSingleTimer("retry-receipt|" + work.Key, due, _dependencies.Messaging.RetryReceiptDelay(count));
                }
                else
                {
                    _connection?.Tell(new SendNode(PlainAck(message)));
                }
            }

            InboundStored([work]);
        });
    }

    /// <summary>A ratchet actor stopped with inbound messages pending: they are not decryptable now; their senders are asked again.</summary>
    private void OnRatchetLost(Jid device)
    {
        // A history chunk being read was decrypted already: its ratchet has nothing more to say about it.
        foreach (var work in _inflight.Where(w => w.Device.Equals(device) && w.Content is null && w.Failure is null && w.HistoryContent is null).ToList())
        {
            Failed(work, "the ratchet could not be loaded", retry: true);
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
        chat.IsGroup || chat.IsBroadcast ? null
        : message.Recipient is { } recipient && recipient.ToNonAd().Equals(chat) && message.RecipientPhone is { } phone ? phone.ToNonAd()
        : message.SenderPhone is { } sender && message.SenderDevice.ToNonAd().Equals(chat) ? sender.ToNonAd()
        : _lids.Alternate(chat);

    /// <summary>The <c>recipient</c> of a <c>sender</c> receipt: the chat of our own copy when known.</summary>
    private string? ChatOfOwnCopy(InboundMessage message, DeviceSentMessage? sentCopy) =>
        IsOwnAccount(message.SenderDevice) && !message.InGroup
            ? (sentCopy?.DestinationJID is { Length: > 0 } destination ? destination : message.Recipient?.ToString())
            : null;

    /// <summary>The plain <c>&lt;ack class="message"&gt;</c> for a message the session does not receipt (given up, or ignored).</summary>
    private static Node PlainAck(InboundMessage message) =>
        Receipts.Ack(new Node("message", [("id", message.Id), ("from", message.From.ToString()), .. Participant(message)]));

    private static IEnumerable<NodeAttribute> Participant(InboundMessage message) =>
        message.Participant is { } participant ? [("participant", participant)] : [];

    private string InboundKey(InboundMessage message) => _lids.Canonical(message.SenderDevice.ToNonAd()) + "/" + message.Id;

    private void Remember(string key) => _seenInbound.Add(key);

    /// <summary>Recovery: a stored MessageReceived is a message already had.</summary>
    private void ApplyMessagingEvent(SessionEventRecord record)
    {
        ApplyHistoryEvent(record);
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
    /// An inbound message in hand (decrypting, or waiting for its turn to be stored): its pairwise and group encs, and
    /// what they gave on the way (content or failure, the one-time prekey it consumed, an identity change).
    /// </summary>
    private sealed record InboundWork(InboundMessage Message, string Key, Jid Device)
    {
        public InboundEnc? Pairwise { get; init; }

        public InboundEnc? GroupEnc { get; init; }

        public Message? PairwiseContent { get; set; }

        public uint? ConsumedPreKeyId { get; set; }

        public bool IdentityChanged { get; set; }

        /// <summary>Decrypted and parsed: ready to be stored in its turn.</summary>
        public Message? Content { get; set; }

        /// <summary>Not readable: stored in its turn as an Undecryptable event (with a retry receipt when Retry).</summary>
        public (string Reason, bool Retry)? Failure { get; set; }

        /// <summary>The <c>deviceSentMessage</c> a copy of our own send carried (for its receipt's recipient).</summary>
        public DeviceSentMessage? SentCopy { get; set; }

        /// <summary>Its MessageReceived event was written (not a bare sender key, not an ignored chat).</summary>
        public bool Stored { get; set; }

        /// <summary>The decrypted history-sync notification while its chunk is read (<see cref="Content"/> is set once it is).</summary>
        public Message? HistoryContent { get; set; }

        /// <summary>The chunk read: its events and mappings, stored instead of a MessageReceived.</summary>
        public HistoryRead? History { get; set; }

        /// <summary>Whether the connection was told to hand over the next stanza after this one.</summary>
        public bool Pulled { get; set; }
    }
}
