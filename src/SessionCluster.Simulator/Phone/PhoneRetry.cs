using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Stanzas;

namespace SessionCluster.Simulator.Phone;

/// <summary>Retry receipts (docs/PROTOCOL.md §10): asking a sender again when a message does not decrypt, and resending the phone's own messages when asked.</summary>
internal sealed partial class Phone
{
    /// <summary>
    /// A retry receipt for one of the phone's messages (docs/PROTOCOL.md §10, sender side): the session is rebuilt from the receipt's
    /// <c>&lt;keys&gt;</c> when it has them (or from a fetched bundle when the phone has no session), and the message goes again to
    /// that device alone: <c>&lt;message id to=device type device_fanout="false"&gt;&lt;enc v="2" type count=N/&gt;&lt;/message&gt;</c>,
    /// wrapped in <c>deviceSentMessage</c> for the account's own companions.
    /// </summary>
    private async ValueTask ResendAsync(Node receipt, CancellationToken cancellationToken)
    {
        var id = receipt.GetString("id");
        // The asking device: `from`, or for a receipt from a group its `participant` (a relayed receipt names the device in `from`).
        var from = receipt.GetJid("from");
        var requester = from.IsGroup ? receipt.GetOptionalJid("participant") ?? from : from;
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
        return PreKeyBundleNode.Parse(new Node("user", null, [registration, .. keys.Children.Where(c => c.Tag is "type" or "identity" or "skey" or "key")]));
    }

    /// <summary>
    /// <c>&lt;receipt id to type="retry" [recipient] [participant]&gt;&lt;retry count id t v="1"/&gt;&lt;registration/&gt;[&lt;keys&gt;]</c>
    /// (docs/PROTOCOL.md §10; Baileys sendRetryRequest). Keys carry a fresh one-time prekey and the signed prekey.
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
                new Node("key", null, [new Node("id", null, PreKeyIds.Encode(preKey.Id)), new Node("value", null, preKey.KeyPair.PublicKey)]),
                new Node("skey", null,
                [
                    new Node("id", null, PreKeyIds.Encode(Keys.SignedPreKey.Id)),
                    new Node("value", null, Keys.SignedPreKey.KeyPair.PublicKey),
                    new Node("signature", null, Keys.SignedPreKey.Signature),
                ]),
            ]));
            await _directory.SaveAccountsAsync(cancellationToken).ConfigureAwait(false);
        }

        await _directory.Relay.SendReceiptAsync(Account, 0, new Node("receipt", attributes, children), cancellationToken).ConfigureAwait(false);
    }

    private static string RetryKey(Node stanza) =>
        (stanza.GetOptionalString("participant") ?? stanza.GetString("from")) + "/" + stanza.GetString("id");
}
