using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Protocol.Pairing;

/// <summary>
/// A device identity the companion accepted from pair-success, signed with its own identity key.
/// </summary>
/// <param name="KeyIndex">The key index the phone issued (ADVDeviceIdentity.keyIndex).</param>
/// <param name="SignedDeviceIdentity">
/// ADVSignedDeviceIdentity{details, accountSignatureKey, accountSignature, deviceSignature}: what the companion keeps and
/// later sends as <c>&lt;device-identity&gt;</c> in pkmsg stanzas.
/// </param>
/// <param name="Answer">The same without <c>accountSignatureKey</c>: the content of the pair-device-sign answer.</param>
public sealed record AcceptedDeviceIdentity(uint KeyIndex, ReadOnlyMemory<byte> SignedDeviceIdentity, ReadOnlyMemory<byte> Answer);

/// <summary>
/// The companion's side of pair-success (docs/PROTOCOL.md §6 steps 5-6), as Baileys configureSuccessfulPairing and
/// whatsmeow handlePair do it: check the HMAC under the ADV secret and the account signature over the companion's
/// identity key, add the device signature, and answer with <c>&lt;pair-device-sign&gt;</c>.
/// </summary>
/// <remarks>The phone's check of that answer is <see cref="PairDeviceSign"/>.</remarks>
public static class CompanionPairSuccess
{
    /// <summary>Verifies the content of <c>&lt;pair-success&gt;&lt;device-identity&gt;</c> and signs it.</summary>
    /// <param name="deviceIdentity">The ADVSignedDeviceIdentityHMAC the phone sent.</param>
    /// <param name="advSecret">The companion's ADV secret (from its QR, or derived in pairing by code).</param>
    /// <param name="identity">The companion's Signal identity key pair.</param>
    /// <exception cref="PairingVerificationException">
    /// Malformed protobuf, an HMAC that does not verify (<see cref="PairingVerificationFailure.HmacMismatch"/>) or an
    /// account signature that does not cover this companion's identity key.
    /// </exception>
    public static AcceptedDeviceIdentity Accept(ReadOnlySpan<byte> deviceIdentity, ReadOnlySpan<byte> advSecret, KeyPair identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var (wrapper, signed, details) = Parse(deviceIdentity);

        Span<byte> expected = stackalloc byte[HmacSha256.MacSize];
        HmacSha256.Compute(advSecret, wrapper.Details.Span, expected);
        if (!wrapper.HasHMAC || !CryptographicOperations.FixedTimeEquals(expected, wrapper.HMAC.Span))
        {
            throw new PairingVerificationException(PairingVerificationFailure.HmacMismatch, "the device identity's HMAC does not verify under this companion's ADV secret.");
        }

        var accountMessage = AdvPrefixes.Concat(AdvPrefixes.AccountSignature, signed.Details.Span, identity.PublicKey.Span);
        if (signed.AccountSignatureKey.Length != Curve25519.KeySize || signed.AccountSignature.Length != XEdDsa.SignatureSize
            || !XEdDsa.Verify(signed.AccountSignatureKey.Span, accountMessage, signed.AccountSignature.Span))
        {
            throw new PairingVerificationException(PairingVerificationFailure.BadAccountSignature, "the account signature does not cover this companion's identity key.");
        }

        var deviceMessage = AdvPrefixes.Concat(AdvPrefixes.DeviceSignature, signed.Details.Span, identity.PublicKey.Span, signed.AccountSignatureKey.Span);
        signed.DeviceSignature = ByteString.CopyFrom(XEdDsa.Sign(identity.PrivateKey.Span, deviceMessage));
        var full = signed.ToByteArray();
        signed.ClearAccountSignatureKey();
        return new AcceptedDeviceIdentity(details.KeyIndex, full, signed.ToByteArray());
    }

    /// <summary>
    /// The answer to the pair-success iq: <c>&lt;iq to="s.whatsapp.net" type="result" id&gt;&lt;pair-device-sign&gt;
    /// &lt;device-identity key-index&gt;</c> with <see cref="AcceptedDeviceIdentity.Answer"/>.
    /// </summary>
    public static Node BuildReply(string id, AcceptedDeviceIdentity accepted)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(accepted);
        var keyIndex = accepted.KeyIndex.ToString(CultureInfo.InvariantCulture);
        return new Node(
            "iq",
            [("to", "s.whatsapp.net"), ("type", "result"), ("id", id)],
            [new Node("pair-device-sign", null, [new Node("device-identity", [("key-index", keyIndex)], accepted.Answer)])]);
    }

    private static (ADVSignedDeviceIdentityHMAC Wrapper, ADVSignedDeviceIdentity Signed, ADVDeviceIdentity Details) Parse(ReadOnlySpan<byte> deviceIdentity)
    {
        try
        {
            var wrapper = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(deviceIdentity);
            var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(wrapper.Details);
            if (!wrapper.HasDetails || !signed.HasDetails || !signed.HasAccountSignatureKey || !signed.HasAccountSignature)
            {
                throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "the device identity lacks details, the account signature key or the account signature.");
            }

            return (wrapper, signed, ADVDeviceIdentity.Parser.ParseFrom(signed.Details));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "the device identity is not an ADVSignedDeviceIdentityHMAC.", e);
        }
    }
}
