using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The group message stanza (docs/PROTOCOL.md §9 "Group stanza"): the sender-key distribution pairwise-encrypted for
/// each device that lacks our key, in <c>&lt;participants&gt;</c>, then one <c>&lt;enc type="skmsg"&gt;</c> every member
/// device decrypts, then the ADV identity when any pairwise enc is a pkmsg. Pure builder.
/// </summary>
public static class GroupStanzas
{
    public static Node Message(string id, Jid group, StanzaKind kind, IReadOnlyList<(Jid Device, CiphertextMessage Ciphertext)> distributions, byte[] skmsg, ReadOnlyMemory<byte>? deviceIdentity)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(distributions);
        List<Node> children = [];
        if (distributions.Count > 0)
        {
            children.Add(new Node("participants", null,
                [.. distributions.Select(d => new Node("to", [("jid", d.Device.ToString())], [new Node("enc", [("v", "2"), ("type", d.Ciphertext.WireType)], d.Ciphertext.Serialized)]))]));
        }

        children.Add(new Node("enc", OutboundStanzas.EncAttributes("skmsg", kind, null), skmsg));
        if (deviceIdentity is { } identity && distributions.Any(d => d.Ciphertext.Type == CiphertextType.PreKey))
        {
            children.Add(new Node("device-identity", null, identity));
        }

        OutboundStanzas.AddMeta(children, kind);
        return new Node("message", OutboundStanzas.Attributes(kind, ("id", id), ("to", group.ToString()), ("type", kind.Type)), children);
    }

    /// <summary>
    /// A resend to the one member device that asked (a retry receipt): the message encrypted pairwise for it, addressed
    /// <c>to=GROUP participant=DEVICE</c> so that it arrives as the group's (whatsmeow retry.go, Baileys relayMessage with a participant).
    /// </summary>
    public static Node Resend(string id, Jid group, Jid device, StanzaKind kind, CiphertextMessage ciphertext, int count, ReadOnlyMemory<byte>? deviceIdentity)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(ciphertext);
        List<Node> children = [new Node("enc", OutboundStanzas.EncAttributes(ciphertext.WireType, kind, count), ciphertext.Serialized)];
        if (deviceIdentity is { } identity && ciphertext.Type == CiphertextType.PreKey)
        {
            children.Add(new Node("device-identity", null, identity));
        }

        OutboundStanzas.AddMeta(children, kind);
        return new Node("message", OutboundStanzas.Attributes(kind, ("id", id), ("to", group.ToString()), ("type", kind.Type), ("participant", device.ToString())), children);
    }
}
