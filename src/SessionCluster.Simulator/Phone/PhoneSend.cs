using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Phone;

/// <summary>The phone sending: 1:1 texts (with sent copies to its own companions) and group texts (docs/PROTOCOL.md §9).</summary>
internal sealed partial class Phone
{
    /// <summary>
    /// Sends <paramref name="text"/> to <paramref name="to"/> (a PN or LID user jid of another account) as a
    /// <c>conversation</c>, to every device of the recipient and, as a <c>deviceSentMessage</c>, to the account's own
    /// companions; sessions missing are started from bundles (device 0 from the other phone, companions from the server's
    /// prekey store). Returns the message id and the server's ack.
    /// </summary>
    /// <exception cref="PhoneSendException">The recipient is not an account of this simulator, or is the phone's own account.</exception>
    public Task<PhoneSendResult> SendTextAsync(Jid to, string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return SendToAccountAsync(to, new Message { Conversation = text }, "text", cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="content"/> to another account as a stanza of <paramref name="stanzaType"/>: to every device of the
    /// recipient and, as a <c>deviceSentMessage</c>, to the account's own companions.
    /// </summary>
    /// <exception cref="PhoneSendException">The recipient is not an account of this simulator, or is the phone's own account.</exception>
    /// <param name="sending">Told the message id before the stanza goes out (a media send keeps its file by it).</param>
    private async Task<PhoneSendResult> SendToAccountAsync(Jid to, Message content, string stanzaType, CancellationToken cancellationToken, Action<string>? sending = null)
    {
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
        var copy = new Message { DeviceSentMessage = new DeviceSentMessage { DestinationJID = chat.ToString(), Message = content } };
        List<(Account Owner, int Device, Message Body)> targets = [(recipient, 0, content)];
        targets.AddRange(recipient.Devices.Select(d => (recipient, d.DeviceId, content)));
        targets.AddRange(Account.Devices.Select(d => (Account, d.DeviceId, copy)));
        var participants = EncryptForDevices(targets, to.IsLid);
        await _directory.SaveAccountsAsync(cancellationToken).ConfigureAwait(false);

        var id = MessageIds.New(Account.Phone, _clock.GetUtcNow());
        Remember(id, new SentMessage(chat, content));
        sending?.Invoke(id);
        var stanza = new Node("message", [("id", id), ("to", chat.ToString()), ("type", stanzaType)], [new Node("participants", null, participants)]);
        var ack = await _directory.Relay.SendMessageAsync(Account, 0, stanza, cancellationToken).ConfigureAwait(false);
        LogSent(_logger, Account.Phone, id, chat.ToString(), participants.Count, ack.GetOptionalString("error") ?? "none");
        return new PhoneSendResult(id, participants.Count, ack);
    }

    /// <summary>
    /// Sends <paramref name="text"/> to a group (docs/PROTOCOL.md §9 group stanza): the phone's sender key for the group (made on first use)
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
        await _directory.SaveAccountsAsync(cancellationToken).ConfigureAwait(false);
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

    private PreKeyBundle? TakeBundleOf(Account owner, int device)
    {
        if (device == 0)
        {
            return PreKeyBundleNode.Parse(_directory.TakeBundle(owner, owner.DeviceJid(0)));
        }

        return owner.FindDevice(device) is { } companion ? companion.Bundle(companion.PreKeys.Take()) : null;
    }
}
