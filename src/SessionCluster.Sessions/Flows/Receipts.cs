using System.Buffers.Binary;
using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// What the session answers to what arrives (docs/PROTOCOL.md §10): delivery receipts, retry receipts, read receipts,
/// and acks for messages, receipts and notifications. Pure builders.
/// </summary>
public static class Receipts
{
    /// <summary>
    /// The delivery receipt for a decrypted message: <c>peer_msg</c> for category peer; <c>sender</c> for a copy of our
    /// own send from another of our devices (to = that device, recipient = the chat); otherwise no type, to = from,
    /// and the group's participant.
    /// </summary>
    public static Node Delivery(InboundMessage message, bool fromOwnAccount, string? chat)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Peer)
        {
            return new Node("receipt", [("id", message.Id), ("to", message.From.ToString()), ("type", "peer_msg")]);
        }

        if (fromOwnAccount && !message.InGroup)
        {
            return chat is null
                ? new Node("receipt", [("id", message.Id), ("to", message.SenderDevice.ToString()), ("type", "sender")])
                : new Node("receipt", [("id", message.Id), ("recipient", chat), ("to", message.SenderDevice.ToString()), ("type", "sender")]);
        }

        List<NodeAttribute> attributes = [("id", message.Id), ("to", message.From.ToString())];
        if (message.Participant is { } participant)
        {
            attributes.Add(("participant", participant));
        }

        if (fromOwnAccount)
        {
            attributes.Add(("type", "sender"));
        }

        return new Node("receipt", attributes);
    }

    /// <summary>
    /// The retry receipt asking the sender to encrypt <paramref name="message"/> again (§10): the count, the original
    /// time, our registration id, and from the second retry on our keys (<paramref name="keys"/>) so the sender can
    /// build a new session.
    /// </summary>
    public static Node Retry(InboundMessage message, int count, Registration registration, Node? keys)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(registration);
        List<NodeAttribute> attributes = [("id", message.Id), ("to", message.From.ToString()), ("type", "retry")];
        if (message.Participant is { } participant)
        {
            attributes.Add(("participant", participant));
        }

        if (message.Recipient is { } recipient)
        {
            attributes.Add(("recipient", recipient.ToString()));
        }

        if (message.Peer)
        {
            attributes.Add(("category", "peer"));
        }

        var registrationId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registrationId, registration.RegistrationId);
        List<Node> children =
        [
            new Node("retry", [
                ("count", count.ToString(CultureInfo.InvariantCulture)),
                ("id", message.Id),
                ("t", message.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                ("v", "1"),
            ]),
            new Node("registration", null, registrationId),
        ];
        if (keys is not null)
        {
            children.Add(keys);
        }

        return new Node("receipt", attributes, children);
    }

    /// <summary>
    /// The <c>&lt;keys&gt;</c> of a retry receipt: key type, identity, one one-time prekey, the signed prekey and our
    /// ADV device identity (§10), from which the sender starts a new session with us.
    /// </summary>
    public static Node RetryKeys(Registration registration, Protocol.Signal.PreKeyRecord preKey)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(preKey);
        var signed = registration.SignedPreKey;
        List<Node> children =
        [
            new Node("type", null, new byte[] { Protocol.Signal.SignalPublicKey.DjbType }),
            new Node("identity", null, registration.IdentityKey.PublicKey),
            new Node("key", null, [new Node("id", null, PreKeyIds.Encode(preKey.Id)), new Node("value", null, preKey.KeyPair.PublicKey)]),
            new Node("skey", null,
            [
                new Node("id", null, PreKeyIds.Encode(signed.Id)),
                new Node("value", null, signed.KeyPair.PublicKey),
                new Node("signature", null, signed.Signature),
            ]),
        ];
        if (registration.AdvSignedIdentity is { } identity)
        {
            children.Add(new Node("device-identity", null, identity));
        }

        return new Node("keys", null, children);
    }

    /// <summary>A read receipt for <paramref name="ids"/> from <paramref name="sender"/> in <paramref name="chat"/> (§10: several ids in a list).</summary>
    public static Node Read(Jid chat, Jid sender, IReadOnlyList<string> ids, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ids);
        List<NodeAttribute> attributes = [("id", ids[0]), ("to", chat.ToString()), ("type", "read"), ("t", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))];
        if (chat.IsGroup || chat.IsBroadcast)
        {
            // A status is read as a group message is: to the chat, naming its author (docs/PROTOCOL.md §9 "Status").
            attributes.Add(("participant", sender.ToString()));
        }

        var rest = ids.Skip(1).Select(id => new Node("item", [("id", id)])).ToList();
        return rest.Count == 0 ? new Node("receipt", attributes) : new Node("receipt", attributes, [new Node("list", null, rest)]);
    }

    /// <summary>The ack of a stanza the session handled: <c>&lt;ack id to=from class=TAG [type] [participant] [error]&gt;</c>.</summary>
    public static Node Ack(Node stanza, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        List<NodeAttribute> attributes = [("id", stanza.GetOptionalString("id") ?? ""), ("to", stanza.GetOptionalString("from") ?? "s.whatsapp.net"), ("class", stanza.Tag)];
        if (stanza.Tag != "message" && stanza.GetOptionalString("type") is { } type)
        {
            attributes.Add(("type", type));
        }

        if (stanza.GetOptionalString("participant") is { } participant)
        {
            attributes.Add(("participant", participant));
        }

        if (error is not null)
        {
            attributes.Add(("error", error));
        }

        return new Node("ack", attributes);
    }
}
