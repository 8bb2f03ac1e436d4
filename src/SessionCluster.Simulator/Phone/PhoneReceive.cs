using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.Phone;

/// <summary>The phone receiving: decrypting what the relay delivers, recording it and answering with a receipt (docs/PROTOCOL.md §10).</summary>
internal sealed partial class Phone
{
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
                if (stanza.GetOptionalString("type") == MediaRetryStanzas.ReceiptType)
                {
                    await AnswerMediaRetryAsync(stanza, cancellationToken).ConfigureAwait(false);
                }
                else if (stanza.GetOptionalString("type") == "retry")
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
            if (fromOwnDevice)
            {
                // A companion's send: the phone keeps the file, as a phone downloads what its own devices send.
                HoldOwnDevicesFile(id, message.DeviceSentMessage?.Message ?? message);
            }

            if (Record(stanza, id, from, sender.DeviceJid(senderDevice.Device), message, timestamp) is { } recorded)
            {
                if (Inbox.TryAdd(recorded))
                {
                    LogReceived(_logger, Account.Phone, id, recorded.Sender, recorded.Kind, recorded.SentCopy);
                }
                else
                {
                    LogDuplicate(_logger, Account.Phone, id, recorded.Sender);
                }
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
                    if (!SenderKeyChat(from))
                    {
                        throw new PhoneDecryptException($"skmsg from {from}, which is not a group or status@broadcast.", forceKeys: false);
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
        // enc v="3" is not padded (docs/PROTOCOL.md §9, WM unpadMessage).
        if (enc.GetOptionalString("v") != "3" && !MessagePadding.TryUnpad(plaintext, out body))
        {
            throw new PhoneDecryptException("The plaintext's padding is malformed.", forceKeys: false);
        }

        return Message.Parser.ParseFrom(body.Span);
    }

    /// <summary>
    /// The phone loses the sender keys it received (as a reinstall does) while their senders still count it as a holder:
    /// their next skmsg fails and the phone asks for it again with a retry receipt.
    /// </summary>
    public int ForgetSenderKeys()
    {
        lock (_lock)
        {
            var count = _senderKeys.Count;
            _senderKeys.Clear();
            return count;
        }
    }

    private void ProcessDistribution(SenderKeyDistributionMessage distribution, DeviceKey sender)
    {
        if (!Jid.TryParse(distribution.GroupID, out var group) || !SenderKeyChat(group))
        {
            throw new PhoneDecryptException($"Sender key distribution for \"{distribution.GroupID}\", which is not a group jid or status@broadcast.", forceKeys: false);
        }

        lock (_lock)
        {
            var key = (group.ToNonAd().ToString(), sender);
            _senderKeys[key] = GroupSessionBuilder.ProcessDistribution(_senderKeys.GetValueOrDefault(key) ?? SenderKeyRecord.Empty, distribution.AxolotlSenderKeyDistributionMessage.Span);
        }
    }

    private PhoneMessage? Record(Node stanza, string id, Jid from, Jid senderDevice, Message message, DateTimeOffset timestamp)
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

        // The phone lists chats and senders by phone number, however the server or the sending device addressed them (LID or PN).
        var chat = SenderKeyChat(from) ? from.ToNonAd().ToString()
            : sentCopy ? ByPhoneNumber(message.DeviceSentMessage!.DestinationJID)
            : stanza.GetOptionalString("recipient") is { } recipient ? ByPhoneNumber(recipient)
            : senderDevice.ToNonAd().ToString();
        return new PhoneMessage(id, chat, senderDevice.ToString(), kind, text, timestamp, sentCopy);
    }

    /// <summary>A chat whose messages use sender keys: a group, or status@broadcast (docs/PROTOCOL.md §9 "Status").</summary>
    private static bool SenderKeyChat(Jid chat) => chat.IsGroup || StatusBroadcast.IsStatus(chat);

    /// <summary>An account's user JID by phone number when <paramref name="jid"/> names one (PN or LID), else as given.</summary>
    private string ByPhoneNumber(string jid) =>
        Jid.TryParse(jid, out var parsed) && _directory.FindAccount(parsed) is { } account ? account.Jid.ToString() : jid;

    private static bool OnlyDistribution(Message content)
    {
        var other = content.Clone();
        other.SenderKeyDistributionMessage = null;
        other.MessageContextInfo = null;
        return other.CalculateSize() == 0;
    }

    /// <summary>
    /// The delivery receipt (docs/PROTOCOL.md §10, Baileys messages-recv): <c>peer_msg</c> for category peer; <c>sender</c> for the
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

        if (fromOwnDevice && !SenderKeyChat(from))
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
}
