using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

/// <summary>
/// A companion's side of pair-success written from docs/PROTOCOL.md §6 step 5 (not from the code under test), so the unit
/// tests have an independent counterpart. The Baileys cross-checks live in the interop tests.
/// </summary>
internal sealed class TestCompanion(KeyPair identity, byte[] advSecret)
{
    public TestCompanion()
        : this(Curve25519.GenerateKeyPair(), RandomNumberGenerator.GetBytes(32))
    {
    }

    public KeyPair Identity { get; } = identity;

    public KeyPair Noise { get; } = Curve25519.GenerateKeyPair();

    public byte[] AdvSecret { get; } = advSecret;

    public QrPairingCode Qr(string @ref = "ref-1") => new(@ref, Noise.PublicKey, Identity.PublicKey, AdvSecret, "1");

    /// <summary>Checks the HMAC and account signature and returns the signed identity with our device signature.</summary>
    public ADVSignedDeviceIdentity Accept(ReadOnlyMemory<byte> deviceIdentity)
    {
        var wrapper = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(deviceIdentity.Span);
        var expected = HMACSHA256.HashData(AdvSecret, wrapper.Details.Span);
        if (!expected.AsSpan().SequenceEqual(wrapper.HMAC.Span))
        {
            throw new InvalidOperationException("hmac-mismatch");
        }

        var account = ADVSignedDeviceIdentity.Parser.ParseFrom(wrapper.Details);
        byte[] accountMessage = [6, 0, .. account.Details.Span, .. Identity.PublicKey.Span];
        if (!XEdDsa.Verify(account.AccountSignatureKey.Span, accountMessage, account.AccountSignature.Span))
        {
            throw new InvalidOperationException("signature-mismatch");
        }

        byte[] deviceMessage = [6, 1, .. account.Details.Span, .. Identity.PublicKey.Span, .. account.AccountSignatureKey.Span];
        account.DeviceSignature = ByteString.CopyFrom(XEdDsa.Sign(Identity.PrivateKey.Span, deviceMessage));
        return account;
    }

    /// <summary>The answer a genuine client sends: accountSignatureKey cleared, key-index from the details.</summary>
    public static Node Reply(string id, ADVSignedDeviceIdentity accepted, string? keyIndex = null)
    {
        var reply = accepted.Clone();
        reply.ClearAccountSignatureKey();
        keyIndex ??= ADVDeviceIdentity.Parser.ParseFrom(reply.Details).KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Node(
            "iq",
            [("to", "s.whatsapp.net"), ("type", "result"), ("id", id)],
            [new Node("pair-device-sign", null, [new Node("device-identity", [("key-index", keyIndex)], reply.ToByteArray())])]);
    }
}
