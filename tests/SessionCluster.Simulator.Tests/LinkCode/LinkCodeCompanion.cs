using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Simulator.Tests.Support;
using Wa = SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Simulator.Tests.LinkCode;

/// <summary>
/// A registering <see cref="TestDevice"/> linking by code as docs/PROTOCOL.md §6 describes the companion (hello, then the finish
/// answering the phone's notification, then pair-success with the derived ADV secret), on .NET's HKDF and AES-GCM.
/// </summary>
internal sealed class LinkCodeCompanion(TestDevice device, string phone, string code)
{
    public KeyPair Ephemeral { get; } = Curve25519.GenerateKeyPair();

    public byte[]? AdvSecret { get; private set; }

    public Node Hello(string id, ReadOnlyMemory<byte>? noiseKey = null) => new(
        "iq",
        [("to", "s.whatsapp.net"), ("type", "set"), ("id", id), ("xmlns", "md")],
        [new Node("link_code_companion_reg", [("jid", phone + "@s.whatsapp.net"), ("stage", "companion_hello"), ("should_show_push_notification", "true")],
        [
            new Node("link_code_pairing_wrapped_companion_ephemeral_pub", null, PairingCode.WrapEphemeral(code, Ephemeral.PublicKey.Span)),
            new Node("companion_server_auth_key_pub", null, noiseKey ?? device.Noise.PublicKey),
            new Node("companion_platform_id", null, "1"),
            new Node("companion_platform_display", null, "Chrome (Linux)"),
            new Node("link_code_pairing_nonce", null, "0"),
        ])]);

    /// <summary>The companion_finish answering the phone's <c>&lt;notification type="link_code_companion_reg"&gt;</c>.</summary>
    public Node Finish(string id, Node notification)
    {
        var reg = notification.GetChild("link_code_companion_reg");
        var reference = reg.GetChild("link_code_pairing_ref").Bytes;
        var primaryIdentity = reg.GetChild("primary_identity_pub").Bytes.ToArray();
        var primaryEphemeral = PairingCode.UnwrapEphemeral(code, reg.GetChild("link_code_pairing_wrapped_primary_ephemeral_pub").Bytes.Span);
        var shared = Curve25519.SharedSecret(Ephemeral.PrivateKey.Span, primaryEphemeral);
        var random = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(32);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt, "link_code_pairing_key_bundle_encryption_key"u8.ToArray());
        byte[] plaintext = [.. device.Identity.PublicKey.Span, .. primaryIdentity, .. random];
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        var identityShared = Curve25519.SharedSecret(device.Identity.PrivateKey.Span, primaryIdentity);
        AdvSecret = HKDF.DeriveKey(HashAlgorithmName.SHA256, [.. shared, .. identityShared, .. random], 32, [], "adv_secret"u8.ToArray());
        return new Node(
            "iq",
            [("to", "s.whatsapp.net"), ("type", "set"), ("id", id), ("xmlns", "md")],
            [new Node("link_code_companion_reg", [("jid", phone + "@s.whatsapp.net"), ("stage", "companion_finish")],
            [
                new Node("link_code_pairing_wrapped_key_bundle", null, (byte[])[.. salt, .. nonce, .. ciphertext, .. tag]),
                new Node("companion_identity_public", null, device.Identity.PublicKey),
                new Node("link_code_pairing_ref", null, reference),
            ])]);
    }

    /// <summary>A genuine answer to pair-success, checking the HMAC under the ADV secret derived in <see cref="Finish"/>.</summary>
    public Node AnswerPairSuccess(Node pairSuccessIq)
    {
        Assert.NotNull(AdvSecret);
        var wrapper = Wa.ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(pairSuccessIq.GetChild("pair-success").GetChild("device-identity").Bytes.Span);
        Assert.Equal(HMACSHA256.HashData(AdvSecret, wrapper.Details.Span), wrapper.HMAC.ToByteArray());
        var account = Wa.ADVSignedDeviceIdentity.Parser.ParseFrom(wrapper.Details);
        Assert.True(XEdDsa.Verify(account.AccountSignatureKey.Span, [6, 0, .. account.Details.Span, .. device.Identity.PublicKey.Span], account.AccountSignature.Span));
        account.DeviceSignature = ByteString.CopyFrom(XEdDsa.Sign(device.Identity.PrivateKey.Span, [6, 1, .. account.Details.Span, .. device.Identity.PublicKey.Span, .. account.AccountSignatureKey.Span]));
        account.ClearAccountSignatureKey();
        var keyIndex = Wa.ADVDeviceIdentity.Parser.ParseFrom(account.Details).KeyIndex;
        return new Node(
            "iq",
            [("to", "s.whatsapp.net"), ("type", "result"), ("id", pairSuccessIq.GetString("id"))],
            [new Node("pair-device-sign", null, [new Node("device-identity", [("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))], account.ToByteArray())])]);
    }
}
