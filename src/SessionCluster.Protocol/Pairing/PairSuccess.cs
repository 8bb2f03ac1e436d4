using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Protocol.Pairing;

// Public API (the phone's side of docs/PROTOCOL.md §6 steps 4-5):
//   IssuedDeviceIdentity PairSuccess.IssueDeviceIdentity(AccountIdentity account, ReadOnlySpan<byte> companionIdentityKey,
//                                                        ReadOnlySpan<byte> advSecret, uint keyIndex, DateTimeOffset timestamp)
//   IssuedDeviceIdentity PairSuccess.IssueDeviceIdentity(AccountIdentity account, QrPairingCode qr, uint keyIndex, DateTimeOffset timestamp)
//   Node PairSuccess.BuildIq(string id, IssuedDeviceIdentity issued, Jid device, Jid lid, string platform,
//                            string? businessName, DateTimeOffset now)   (optional helper: the whole <iq><pair-success>)
//   IssuedDeviceIdentity.DeviceIdentity   the bytes for <pair-success><device-identity>
// Keep the IssuedDeviceIdentity until the companion answers; PairDeviceSign.Verify(issued, ...) checks the answer.

/// <summary>
/// What the phone issued to one companion in pair-success, kept to check the companion's
/// <c>&lt;pair-device-sign&gt;</c> answer (<see cref="PairDeviceSign"/>).
/// </summary>
public sealed record IssuedDeviceIdentity
{
    internal IssuedDeviceIdentity(byte[] deviceIdentity, byte[] details, byte[] accountSignature, byte[] accountSignatureKey, byte[] companionIdentityKey, uint rawId, uint keyIndex, ulong timestamp)
    {
        DeviceIdentity = deviceIdentity;
        Details = details;
        AccountSignature = accountSignature;
        AccountSignatureKey = accountSignatureKey;
        CompanionIdentityKey = companionIdentityKey;
        RawId = rawId;
        KeyIndex = keyIndex;
        Timestamp = timestamp;
    }

    /// <summary>The content of <c>&lt;pair-success&gt;&lt;device-identity&gt;</c>: an ADVSignedDeviceIdentityHMAC.</summary>
    public ReadOnlyMemory<byte> DeviceIdentity { get; }

    /// <summary>The serialized ADVDeviceIdentity both signatures cover; the answer must carry exactly these bytes.</summary>
    public ReadOnlyMemory<byte> Details { get; }

    /// <summary>XEdDSA(account key, [6,0] || details || companion identity key).</summary>
    public ReadOnlyMemory<byte> AccountSignature { get; }

    /// <summary>The account's public key (<see cref="AccountIdentity.PublicKey"/>).</summary>
    public ReadOnlyMemory<byte> AccountSignatureKey { get; }

    /// <summary>The companion's Signal identity public key the signatures are bound to.</summary>
    public ReadOnlyMemory<byte> CompanionIdentityKey { get; }

    public uint RawId { get; }

    /// <summary>The companion's key index (the <c>key-index</c> of its device in usync and of its answer).</summary>
    public uint KeyIndex { get; }

    /// <summary>ADVDeviceIdentity.timestamp, Unix seconds.</summary>
    public ulong Timestamp { get; }
}

/// <summary>Builds the signed device identity a phone sends a new companion in <c>&lt;pair-success&gt;</c>.</summary>
public static class PairSuccess
{
    /// <summary>
    /// Signs a device identity for the companion whose identity key and ADV secret the phone learned (from the QR, or
    /// from the pairing-code exchange): ADVDeviceIdentity{rawId, timestamp, keyIndex, E2EE, E2EE}, account-signed over
    /// [6,0] || details || companionIdentityKey, wrapped in ADVSignedDeviceIdentityHMAC with HMAC-SHA256(advSecret, details).
    /// </summary>
    /// <param name="keyIndex">At least 1: Baileys drops companions whose key index is 0 (Utils/signal.js).</param>
    /// <exception cref="ArgumentException">A key is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keyIndex"/> is 0 or the timestamp is before 1970.</exception>
    public static IssuedDeviceIdentity IssueDeviceIdentity(AccountIdentity account, ReadOnlySpan<byte> companionIdentityKey, ReadOnlySpan<byte> advSecret, uint keyIndex, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (companionIdentityKey.Length != Curve25519.KeySize)
        {
            throw new ArgumentException($"The companion identity key must be {Curve25519.KeySize} bytes.", nameof(companionIdentityKey));
        }

        if (advSecret.Length != QrPairingCode.KeyLength)
        {
            throw new ArgumentException($"The ADV secret must be {QrPairingCode.KeyLength} bytes.", nameof(advSecret));
        }

        ArgumentOutOfRangeException.ThrowIfZero(keyIndex);
        var seconds = timestamp.ToUnixTimeSeconds();
        ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(timestamp));

        var details = new ADVDeviceIdentity
        {
            RawID = account.RawId,
            Timestamp = (ulong)seconds,
            KeyIndex = keyIndex,
            AccountType = ADVEncryptionType.E2Ee,
            DeviceType = ADVEncryptionType.E2Ee,
        }.ToByteArray();

        var accountSignature = XEdDsa.Sign(account.IdentityKey.PrivateKey.Span, AdvPrefixes.Concat(AdvPrefixes.AccountSignature, details, companionIdentityKey));
        var accountSignatureKey = account.PublicKey.ToArray();
        var signedIdentity = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(details),
            AccountSignatureKey = ByteString.CopyFrom(accountSignatureKey),
            AccountSignature = ByteString.CopyFrom(accountSignature),
        }.ToByteArray();

        var hmac = new byte[HmacSha256.MacSize];
        HmacSha256.Compute(advSecret, signedIdentity, hmac);
        var wrapper = new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(signedIdentity),
            HMAC = ByteString.CopyFrom(hmac),
        }.ToByteArray();

        return new IssuedDeviceIdentity(wrapper, details, accountSignature, accountSignatureKey, companionIdentityKey.ToArray(), account.RawId, keyIndex, (ulong)seconds);
    }

    /// <summary><see cref="IssueDeviceIdentity(AccountIdentity, ReadOnlySpan{byte}, ReadOnlySpan{byte}, uint, DateTimeOffset)"/> for a scanned QR.</summary>
    public static IssuedDeviceIdentity IssueDeviceIdentity(AccountIdentity account, QrPairingCode qr, uint keyIndex, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(qr);
        return IssueDeviceIdentity(account, qr.IdentityPublicKey.Span, qr.AdvSecret.Span, keyIndex, timestamp);
    }

    /// <summary>
    /// The whole stanza (docs/PROTOCOL.md §6 step 4): <c>&lt;iq from="s.whatsapp.net" type="set" id t&gt;&lt;pair-success&gt;</c> with
    /// <c>device-identity</c>, <c>platform name</c>, <c>device jid lid</c> and, for a business, <c>biz name</c>.
    /// </summary>
    /// <param name="device">The companion's device JID (<c>user:device@s.whatsapp.net</c>).</param>
    /// <param name="lid">The companion's LID device JID (<c>lid:device@lid</c>).</param>
    /// <param name="platform">The phone's platform name (e.g. <c>android</c>, <c>smbi</c>).</param>
    public static Node BuildIq(string id, IssuedDeviceIdentity issued, Jid device, Jid lid, string platform, string? businessName, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(issued);
        ArgumentException.ThrowIfNullOrEmpty(platform);
        var children = new List<Node>
        {
            new("device-identity", null, issued.DeviceIdentity),
            new("platform", [("name", platform)]),
            new("device", [("jid", device.ToString()), ("lid", lid.ToString())]),
        };
        if (businessName is not null)
        {
            children.Add(new Node("biz", [("name", businessName)]));
        }

        return new Node(
            "iq",
            [("from", "s.whatsapp.net"), ("type", "set"), ("id", id), ("t", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))],
            [new Node("pair-success", null, children)]);
    }
}
