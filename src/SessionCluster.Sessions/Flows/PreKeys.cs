using System.Buffers.Binary;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The companion's one-time prekeys on the wire (docs/PROTOCOL.md §7): asking the server how many it holds, uploading a
/// batch with the signed prekey, and the server's low-count notification. Pure functions; the session decides when.
/// </summary>
public static class PreKeys
{
    /// <summary>Below this many keys on the server a batch is uploaded (whatsmeow's and Baileys' minimum, §7).</summary>
    public const int MinimumOnServer = 5;

    /// <summary>How many keys one upload carries (whatsmeow's batch, §7; Baileys' 812 at first costs 16x the bytes per session).</summary>
    public const int UploadBatch = 50;

    private const string Server = "s.whatsapp.net";

    /// <summary><c>&lt;iq xmlns="encrypt" type="get"&gt;&lt;count/&gt;&lt;/iq&gt;</c>.</summary>
    public static Node CountQuery(string id) => new("iq", [("id", id), ("xmlns", "encrypt"), ("type", "get"), ("to", Server)], [new Node("count")]);

    /// <summary>The count a <see cref="CountQuery"/> result holds.</summary>
    /// <exception cref="FormatException">No <c>&lt;count value&gt;</c> with a number.</exception>
    public static int ReadCount(Node result) =>
        result.GetOptionalChild("count")?.GetOptionalInt("value") ?? throw new FormatException("The prekey count result has no <count value>.");

    /// <summary>The server's <c>&lt;notification type="encrypt"&gt;&lt;count value/&gt;</c>: the count it holds, or null for any other stanza.</summary>
    public static int? ReadLowCountNotification(Node node) =>
        node.Tag == "notification" && node.GetOptionalString("type") == "encrypt" && node.GetOptionalChild("count") is { } count
            ? count.GetOptionalInt("value")
            : null;

    /// <summary>The upload iq: registration id, key type, identity, the batch and the signed prekey (§7).</summary>
    public static Node Upload(string id, Registration registration, IReadOnlyList<PreKeyRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var registrationId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registrationId, registration.RegistrationId);
        var signed = registration.SignedPreKey;
        return new Node("iq", [("id", id), ("xmlns", "encrypt"), ("type", "set"), ("to", Server)],
        [
            new Node("registration", null, registrationId),
            new Node("type", null, new byte[] { SignalPublicKey.DjbType }),
            new Node("identity", null, registration.IdentityKey.PublicKey),
            new Node("list", null, batch.Select(k => new Node("key", null,
            [
                new Node("id", null, PreKeyIds.Encode(k.Id)),
                new Node("value", null, k.KeyPair.PublicKey),
            ])).ToList()),
            new Node("skey", null,
            [
                new Node("id", null, PreKeyIds.Encode(signed.Id)),
                new Node("value", null, signed.KeyPair.PublicKey),
                new Node("signature", null, signed.Signature),
            ]),
        ]);
    }

    /// <summary>
    /// <c>&lt;iq xmlns="encrypt" type="set"&gt;&lt;rotate&gt;&lt;skey&gt;id, value, signature&lt;/skey&gt;&lt;/rotate&gt;</c> (§7, as
    /// Baileys sends it): the server hands out the new signed prekey from now on.
    /// </summary>
    public static Node Rotate(string id, SignedPreKeyRecord signedPreKey)
    {
        ArgumentNullException.ThrowIfNull(signedPreKey);
        return new Node("iq", [("id", id), ("xmlns", "encrypt"), ("type", "set"), ("to", Server)],
        [
            new Node("rotate", null,
            [
                new Node("skey", null,
                [
                    new Node("id", null, PreKeyIds.Encode(signedPreKey.Id)),
                    new Node("value", null, signedPreKey.KeyPair.PublicKey),
                    new Node("signature", null, signedPreKey.Signature),
                ]),
            ]),
        ]);
    }

    /// <summary>What the session's pkmsg decryption may use: the signed prekey and the one-time keys not yet consumed.</summary>
    internal sealed class Source(Registration registration, OneTimePreKeys oneTime) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => oneTime.Find(id);

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => registration.FindSignedPreKey(id);
    }
}
