using System.Buffers.Binary;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.Adv;
using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>
/// A companion's keys and the ClientPayloads and answers it sends, written from docs/PROTOCOL.md §3/§6/§7 (not from the
/// simulator's code), so the tests check the server against an independent client.
/// </summary>
internal sealed class TestDevice
{
    public KeyPair Noise { get; } = Curve25519.GenerateKeyPair();

    public KeyPair Identity { get; } = Curve25519.GenerateKeyPair();

    public uint RegistrationId { get; } = KeyHelper.GenerateRegistrationId();

    public byte[] AdvSecret { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public SignedPreKeyRecord SignedPreKey { get; }

    public TestDevice() => SignedPreKey = KeyHelper.GenerateSignedPreKey(Identity, 1);

    /// <summary>The registration ClientPayload; <paramref name="tamper"/> may break the pairing data.</summary>
    public byte[] RegistrationPayload(Action<ClientPayload.Types.DevicePairingRegistrationData>? tamper = null)
    {
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, RegistrationId);
        var data = new ClientPayload.Types.DevicePairingRegistrationData
        {
            ERegid = ByteString.CopyFrom(registration),
            EKeytype = ByteString.CopyFrom(0x05),
            EIdent = ByteString.CopyFrom(Identity.PublicKey.Span),
            ESkeyID = ByteString.CopyFrom(0, 0, (byte)SignedPreKey.Id),
            ESkeyVal = ByteString.CopyFrom(SignedPreKey.KeyPair.PublicKey.Span),
            ESkeySig = ByteString.CopyFrom(SignedPreKey.Signature.Span),
            BuildHash = ByteString.CopyFrom(System.Security.Cryptography.MD5.HashData("2.3000.1043857760"u8)),
            DeviceProps = new DeviceProps { Os = "Tests", PlatformType = DeviceProps.Types.PlatformType.Chrome }.ToByteString(),
        };
        tamper?.Invoke(data);
        return Common(new ClientPayload { Passive = false, Pull = false, DevicePairingData = data }).ToByteArray();
    }

    /// <summary>The login ClientPayload for <paramref name="phone"/> device <paramref name="device"/>.</summary>
    public static byte[] LoginPayload(string phone, int device) =>
        Common(new ClientPayload { Username = ulong.Parse(phone, System.Globalization.CultureInfo.InvariantCulture), Device = (uint)device, Passive = true, Pull = true }).ToByteArray();

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

    private static ClientPayload Common(ClientPayload payload)
    {
        payload.UserAgent = new ClientPayload.Types.UserAgent
        {
            Platform = ClientPayload.Types.UserAgent.Types.Platform.Web,
            AppVersion = new ClientPayload.Types.UserAgent.Types.AppVersion { Primary = 2, Secondary = 3000, Tertiary = 1043857760 },
            Mcc = "000",
            Mnc = "000",
            OsVersion = "0.1",
            Device = "Desktop",
            OsBuildNumber = "0.1",
            LocaleLanguageIso6391 = "en",
            LocaleCountryIso31661Alpha2 = "US",
        };
        payload.ConnectType = ClientPayload.Types.ConnectType.WifiUnknown;
        payload.ConnectReason = ClientPayload.Types.ConnectReason.UserActivated;
        return payload;
    }
}
