using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The message stanzas the session sends (docs/PROTOCOL.md §9): a 1:1 message fanned out to devices, with the ADV
/// device identity when any enc is a pkmsg, and the resend a retry receipt asks for. Pure builders.
/// </summary>
public static class OutboundStanzas
{
    /// <summary>
    /// <c>&lt;message id to type&gt;&lt;participants&gt;&lt;to jid&gt;&lt;enc v="2" type [mediatype] [decrypt-fail]&gt;…&lt;/participants&gt;[&lt;device-identity&gt;]</c>,
    /// the type and enc attributes as <paramref name="kind"/> says for the content.
    /// </summary>
    public static Node Message(string id, Jid to, StanzaKind kind, IReadOnlyList<(Jid Device, CiphertextMessage Ciphertext)> encs, ReadOnlyMemory<byte>? deviceIdentity)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(encs);
        var participants = encs.Select(e => new Node("to", [("jid", e.Device.ToString())], [Enc(e.Ciphertext, kind, null)])).ToList();
        List<Node> children = [new Node("participants", null, participants)];
        if (deviceIdentity is { } identity && encs.Any(e => e.Ciphertext.Type == CiphertextType.PreKey))
        {
            children.Add(new Node("device-identity", null, identity));
        }

        AddMeta(children, kind);
        return new Node("message", Attributes(kind, ("id", id), ("to", to.ToString()), ("type", kind.Type)), children);
    }

    /// <summary>A resend to the one device that asked: one enc with the retry count, <c>device_fanout="false"</c> (§9).</summary>
    public static Node Resend(string id, Jid device, StanzaKind kind, CiphertextMessage ciphertext, int count, ReadOnlyMemory<byte>? deviceIdentity)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(ciphertext);
        List<Node> children = [Enc(ciphertext, kind, count)];
        if (deviceIdentity is { } identity && ciphertext.Type == CiphertextType.PreKey)
        {
            children.Add(new Node("device-identity", null, identity));
        }

        AddMeta(children, kind);
        return new Node("message", Attributes(kind, ("id", id), ("to", device.ToString()), ("type", kind.Type), ("device_fanout", "false")), children);
    }

    /// <summary>The stanza's attributes, with <c>edit</c> for an edit or a revoke (§9 "Edits and revokes": the server and recipients act on it).</summary>
    internal static List<NodeAttribute> Attributes(StanzaKind kind, params NodeAttribute[] attributes)
    {
        List<NodeAttribute> all = [.. attributes];
        if (kind.Edit is { } edit)
        {
            all.Add(("edit", edit));
        }

        return all;
    }

    /// <summary>A poll's creation says so in <c>&lt;meta polltype="creation"/&gt;</c> after the encs (§9 "Polls"; BL relayMessage additionalNodes).</summary>
    internal static void AddMeta(List<Node> children, StanzaKind kind)
    {
        if (kind.PollType is { } pollType)
        {
            children.Add(new Node("meta", [("polltype", pollType)]));
        }
    }

    private static Node Enc(CiphertextMessage ciphertext, StanzaKind kind, int? count) =>
        new("enc", EncAttributes(ciphertext.WireType, kind, count), ciphertext.Serialized);

    /// <summary>An enc's attributes: <c>v="2" type [count] [mediatype] [decrypt-fail]</c> (§9), for 1:1 and group stanzas alike.</summary>
    internal static List<NodeAttribute> EncAttributes(string type, StanzaKind kind, int? count)
    {
        List<NodeAttribute> attributes = [("v", "2"), ("type", type)];
        if (count is { } n)
        {
            attributes.Add(("count", n.ToString(CultureInfo.InvariantCulture)));
        }

        if (kind.MediaType is { } mediaType)
        {
            attributes.Add(("mediatype", mediaType));
        }

        if (kind.HideDecryptFailure)
        {
            attributes.Add(("decrypt-fail", "hide"));
        }

        return attributes;
    }
}
