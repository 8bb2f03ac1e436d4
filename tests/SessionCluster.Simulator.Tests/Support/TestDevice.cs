using System.Buffers.Binary;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Handshake;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.Adv;
using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>
/// A companion's keys and the ClientPayloads and answers it sends, written from docs/PROTOCOL.md §3/§6/§7 (not from the
/// simulator's code), so the tests check the server against an independent client. The payloads come from the client's own
/// builders (<see cref="CompanionPayloads"/>), so these tests also pin that the simulator accepts what a companion sends.
/// </summary>
internal sealed class TestDevice
{
    public KeyPair Noise { get; } = Curve25519.GenerateKeyPair();

    public KeyPair Identity { get; } = Curve25519.GenerateKeyPair();

    public uint RegistrationId { get; } = KeyHelper.GenerateRegistrationId();

    public byte[] AdvSecret { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public SignedPreKeyRecord SignedPreKey { get; }

    public TestDevice() => SignedPreKey = KeyHelper.GenerateSignedPreKey(Identity, 1);

    /// <summary>The registration ClientPayload (<see cref="CompanionPayloads.Registration"/>); <paramref name="tamper"/> may break the pairing data.</summary>
    public byte[] RegistrationPayload(Action<ClientPayload.Types.DevicePairingRegistrationData>? tamper = null)
    {
        var payload = CompanionPayloads.Registration(RegistrationId, Identity, SignedPreKey, new CompanionDevice("Tests", DeviceProps.Types.PlatformType.Chrome));
        tamper?.Invoke(payload.DevicePairingData);
        return payload.ToByteArray();
    }

    /// <summary>The login ClientPayload for <paramref name="phone"/> device <paramref name="device"/> (<see cref="CompanionPayloads.Login"/>).</summary>
    public static byte[] LoginPayload(string phone, int device) => CompanionPayloads.Login(phone, (uint)device).ToByteArray();

    /// <summary>The QR string Baileys would show for <paramref name="reference"/>.</summary>
    public string Qr(string reference) => new QrPairingCode(reference, Noise.PublicKey, Identity.PublicKey, AdvSecret, "1").Format();

    /// <summary>
    /// A genuine companion's answer to pair-success (docs/PROTOCOL.md §6 steps 5-6): HMAC and account signature checked, device
    /// signature added, accountSignatureKey removed. <paramref name="breakSignature"/> flips a bit of the device signature.
    /// </summary>
    public Node AnswerPairSuccess(Node pairSuccessIq, bool breakSignature = false)
    {
        var identity = pairSuccessIq.GetChild("pair-success").GetChild("device-identity").Bytes;
        var accepted = CompanionPairSuccess.Accept(identity.Span, AdvSecret, Identity);
        if (breakSignature)
        {
            var answer = ADVSignedDeviceIdentity.Parser.ParseFrom(accepted.Answer.Span);
            var signature = answer.DeviceSignature.ToByteArray();
            signature[10] ^= 0x01;
            answer.DeviceSignature = ByteString.CopyFrom(signature);
            accepted = accepted with { Answer = answer.ToByteArray() };
        }

        return CompanionPairSuccess.BuildReply(pairSuccessIq.GetString("id"), accepted);
    }

    /// <summary>A prekey upload iq (docs/PROTOCOL.md §7) with <paramref name="count"/> fresh one-time prekeys.</summary>
    public Node PreKeyUpload(string id, int count, bool breakSignature = false)
    {
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, RegistrationId);
        var signature = SignedPreKey.Signature.ToArray();
        if (breakSignature)
        {
            signature[3] ^= 0x01;
        }

        return new Node(
            "iq",
            [("id", id), ("xmlns", "encrypt"), ("type", "set"), ("to", "s.whatsapp.net")],
            [
                new Node("registration", null, registration),
                new Node("type", null, new byte[] { 5 }),
                new Node("identity", null, Identity.PublicKey),
                new Node("list", null, [.. KeyHelper.GeneratePreKeys(1, count).Select(k => new Node("key", null, [new Node("id", null, Id3(k.Id)), new Node("value", null, k.KeyPair.PublicKey)]))]),
                new Node("skey", null, [new Node("id", null, Id3(SignedPreKey.Id)), new Node("value", null, SignedPreKey.KeyPair.PublicKey), new Node("signature", null, signature)]),
            ]);
    }

    private static byte[] Id3(uint id) => [(byte)(id >> 16), (byte)(id >> 8), (byte)id];
}
