using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
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
    /// <summary>How many inbound message keys (sender + id) are remembered to recognize redeliveries.</summary>
    private const int RememberedInbound = 10_000;

    private readonly HashSet<string> _seenInbound = [];
    private readonly Queue<string> _seenInboundOrder = new();
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

        var pairwise = message.Encs.FirstOrDefault(e => e.Type is "pkmsg" or "msg");
        if (pairwise is null)
        {
            var reason = message.Encs.Count == 0 ? "the message has no <enc>" : "group messages (skmsg) are not decrypted yet";
            NotDecrypted(new InboundWork(message, key, message.SenderDevice), reason, retry: message.Encs.Count == 0);
            return;
        }

        var device = _lids.Canonical(message.SenderDevice);
        _inbound = new InboundWork(message, key, device);
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

        var pairwise = work.Message.Encs.First(e => e.Type is "pkmsg" or "msg");
        ReadOnlyMemory<byte> padded = decrypted.Plaintext;
        // enc v="3" is not padded (§9).
        if (pairwise.Version != "3" && !MessagePadding.TryUnpad(decrypted.Plaintext, out padded))
        {
            NotDecrypted(work, "the plaintext's padding is malformed", retry: true);
            return;
        }

        Message content;
        try
        {
            content = Message.Parser.ParseFrom(padded.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            NotDecrypted(work, "the plaintext is not a message: " + e.Message, retry: true);
            return;
        }

        var message = work.Message;
        var fromMe = IsOwnAccount(message.SenderDevice);
        var sentCopy = fromMe ? content.DeviceSentMessage : null;
        var chat = ChatOf(message, sentCopy);
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
            var record = NextEvent(body).ToRecord();
            _lastEventSequence = record.Sequence;
            List<IMessage> writes = [];
            if (decrypted.ConsumedPreKeyId is { } consumed)
            {
                writes.Add(new PreKeysConsumed { Ids = { consumed } });
            }

            writes.Add(record);
            PersistAll(writes, stored =>
            {
                switch (stored)
                {
                    case PreKeysConsumed used:
                        _preKeys = _preKeys.Remove(used.Ids);
                        break;
                    case SessionEventRecord stored1:
                        ApplyEvent(stored1);
                        Remember(work.Key);
                        _inboundRetries.Remove(work.Key);
                        MessagingLog.Received(_logger, _id.Value, message.Id, message.SenderDevice.ToString());
                        if (ReferenceEquals(_inbound, work))
                        {
                            _inbound = null;
                            _connection?.Tell(new SendNode(Receipts.Delivery(message, fromMe, ChatOfOwnCopy(message, sentCopy))));
                            Ack();
                        }

                        break;
                }
            });
        });
    }

    private void OnDecryptFailed(RatchetProtocol.DecryptFailed failed)
    {
        Ratchets.Answered(failed.Device);
        if (_inbound is not { } work || work.Message.Id != failed.MessageId || !work.Device.Equals(failed.Device))
        {
            return;
        }

        NotDecrypted(work, failed.Failure + ": " + failed.Reason, retry: failed.Failure != DecryptFailure.DuplicateMessage);
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

        var chat = ChatOf(message, null);
        PersistEvents([new UndecryptableBody(message.Id, chat.ToString(), message.SenderDevice.ToString(), ask ? count : count - 1, reason)], () =>
        {
            if (!ReferenceEquals(_inbound, work))
            {
                return;
            }

            _inbound = null;
            if (ask)
            {
                var keys = count >= Retries.KeysFrom && _preKeys.Newest() is { } preKey ? Receipts.RetryKeys(_registration!, preKey) : null;
                _connection?.Tell(new SendNode(Receipts.Retry(message, count, _registration!, keys)));
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

    private void Remember(string key)
    {
        if (_seenInbound.Add(key))
        {
            _seenInboundOrder.Enqueue(key);
        }

        while (_seenInboundOrder.Count > RememberedInbound)
        {
            _seenInbound.Remove(_seenInboundOrder.Dequeue());
        }
    }

    /// <summary>Recovery: a stored MessageReceived is a message already had.</summary>
    private void ApplyMessagingEvent(SessionEventRecord record)
    {
        if (record.BodyCase == SessionEventRecord.BodyOneofCase.MessageReceived && Jid.TryParse(record.MessageReceived.Sender, out var sender))
        {
            Remember(_lids.Canonical(sender) + "/" + record.MessageReceived.MessageId);
        }
    }

    /// <summary>The inbound message being handled: the connection gives the next stanza only when it is done.</summary>
    private sealed record InboundWork(InboundMessage Message, string Key, Jid Device);
}
