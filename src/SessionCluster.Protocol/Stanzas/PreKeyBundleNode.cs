using System.Buffers.Binary;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Stanzas;

/// <summary>
/// A device's prekey bundle as the server answers a bundle fetch (docs/PROTOCOL.md §7), which a client reads to start a
/// session: <c>&lt;user jid&gt;&lt;registration&gt;4&lt;/registration&gt;&lt;type&gt;05&lt;/type&gt;&lt;identity&gt;32&lt;/identity&gt;
/// &lt;skey&gt;&lt;id&gt;3&lt;/id&gt;&lt;value&gt;32&lt;/value&gt;&lt;signature&gt;64&lt;/signature&gt;&lt;/skey&gt;[&lt;key&gt;&lt;id&gt;3&lt;/id&gt;&lt;value&gt;32&lt;/value&gt;&lt;/key&gt;]&lt;/user&gt;</c>
/// (Baileys parseAndInjectE2ESessions reads exactly these children).
/// </summary>
public static class PreKeyBundleNode
{
    /// <summary>The <c>&lt;user jid&gt;</c> node for <paramref name="bundle"/>; <c>&lt;key&gt;</c> only when it has a one-time prekey.</summary>
    public static Node Build(Jid deviceJid, PreKeyBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, bundle.RegistrationId);
        List<Node> children =
        [
            new Node("registration", null, registration),
            new Node("type", null, new byte[] { SignalPublicKey.DjbType }),
            new Node("identity", null, bundle.IdentityKey),
            new Node("skey", null,
            [
                new Node("id", null, PreKeyIds.Encode(bundle.SignedPreKeyId)),
                new Node("value", null, bundle.SignedPreKey),
                new Node("signature", null, bundle.SignedPreKeySignature),
            ]),
        ];
        if (bundle is { PreKeyId: { } preKeyId, PreKey: { } preKey })
        {
            children.Add(new Node("key", null, [new Node("id", null, PreKeyIds.Encode(preKeyId)), new Node("value", null, preKey)]));
        }

        return new Node("user", [("jid", deviceJid.ToString())], children);
    }

    /// <summary>Reads a <c>&lt;user&gt;</c> bundle node (strict: every child present, every size checked; the jid is not read).</summary>
    /// <exception cref="FormatException">A child is missing, has the wrong size, or the key type is not 0x05.</exception>
    public static PreKeyBundle Parse(Node user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var skey = Child(user, "skey");
        var key = user.GetOptionalChild("key");
        if (Bytes(user, "type", 1).Span[0] != SignalPublicKey.DjbType)
        {
            throw new FormatException("The bundle's key type is not 0x05.");
        }

        return new PreKeyBundle(
            BinaryPrimitives.ReadUInt32BigEndian(Bytes(user, "registration", 4).Span),
            Bytes(user, "identity", Curve25519.KeySize),
            ReadId(skey),
            Bytes(skey, "value", Curve25519.KeySize),
            Bytes(skey, "signature", XEdDsa.SignatureSize),
            key is null ? null : ReadId(key),
            // Cast: without it the null would convert through byte[] to an empty key instead of no key.
            key is null ? null : (ReadOnlyMemory<byte>?)Bytes(key, "value", Curve25519.KeySize));
    }

    private static uint ReadId(Node parent) => PreKeyIds.Decode(Bytes(parent, "id", PreKeyIds.Size).Span);

    private static Node Child(Node parent, string tag) =>
        parent.GetOptionalChild(tag) ?? throw new FormatException($"<{parent.Tag}> has no <{tag}>.");

    private static ReadOnlyMemory<byte> Bytes(Node parent, string tag, int size)
    {
        var child = Child(parent, tag);
        if (child.ContentKind != NodeContentKind.Bytes || child.Bytes.Length != size)
        {
            throw new FormatException($"<{tag}> must hold {size} bytes.");
        }

        return child.Bytes;
    }
}
