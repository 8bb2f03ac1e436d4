using System.Buffers.Binary;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Pairing;

// Public API:
//   AccountIdentity AccountIdentity.Generate()
//   AccountIdentity AccountIdentity.FromPrivateKey(ReadOnlySpan<byte> privateKey, uint rawId)   (restoring a stored account)
//   record AccountIdentity(KeyPair IdentityKey, uint RawId); ReadOnlyMemory<byte> PublicKey

/// <summary>
/// The primary phone's account identity: its Signal identity key pair, which is also the ADV account signature
/// key, and the ADV raw id that every device identity and key-index list of the account carries.
/// </summary>
/// <remarks>
/// One key, two roles. Baileys (validate-connection.js configureSuccessfulPairing) stores the pair-success
/// <c>accountSignatureKey</c> as the Signal identity of the account's device 0, and WhatsApp Web verifies
/// key-index lists with the stored identity of device 0. So the phone's Signal <c>LocalIdentity.IdentityKey</c>,
/// the key in <c>primary_identity_pub</c> (pairing by code) and this key must be the same key pair.
/// <para><see cref="RawId"/> is a random 32-bit number fixed for the account (ADVDeviceIdentity.rawId and
/// ADVKeyIndexList.rawId); clients compare the two.</para>
/// </remarks>
public sealed record AccountIdentity(KeyPair IdentityKey, uint RawId)
{
    /// <summary>The account signature key (32-byte Curve25519 public key) companions learn in pair-success.</summary>
    public ReadOnlyMemory<byte> PublicKey => IdentityKey.PublicKey;

    /// <summary>A fresh identity key pair and a random non-zero raw id.</summary>
    public static AccountIdentity Generate()
    {
        Span<byte> random = stackalloc byte[4];
        uint rawId;
        do
        {
            RandomNumberGenerator.Fill(random);
            rawId = BinaryPrimitives.ReadUInt32LittleEndian(random);
        }
        while (rawId == 0);

        return new AccountIdentity(Curve25519.GenerateKeyPair(), rawId);
    }

    /// <summary>Rebuilds a stored identity from its 32-byte private key and raw id.</summary>
    public static AccountIdentity FromPrivateKey(ReadOnlySpan<byte> privateKey, uint rawId) =>
        new(Curve25519.FromPrivateKey(privateKey), rawId);

    /// <summary>Names the public key only.</summary>
    public override string ToString() => $"AccountIdentity(raw id {RawId}, public {Convert.ToHexStringLower(PublicKey.Span)})";
}
