using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Protocol.Tests.Pairing;

/// <summary>
/// A companion's side of pair-success on <see cref="CompanionPairSuccess"/>, returning the signed identity as a protobuf
/// the phone-side tests can forge. The independent cross-checks against Baileys live in the interop tests.
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
    public ADVSignedDeviceIdentity Accept(ReadOnlyMemory<byte> deviceIdentity) =>
        ADVSignedDeviceIdentity.Parser.ParseFrom(CompanionPairSuccess.Accept(deviceIdentity.Span, AdvSecret, Identity).SignedDeviceIdentity.Span);

    /// <summary>The answer a genuine client sends (accountSignatureKey cleared), or a forged one from an altered identity.</summary>
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
