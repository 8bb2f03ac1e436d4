using System.Globalization;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Protocol.Pairing;

// Public API (the phone's check of docs/PROTOCOL.md §6 step 6):
//   VerifiedDeviceIdentity PairDeviceSign.Verify(IssuedDeviceIdentity issued, Node reply)
//       reply = the companion's <iq type="result"><pair-device-sign>…</iq>, or the <pair-device-sign> node itself
//   VerifiedDeviceIdentity PairDeviceSign.Verify(IssuedDeviceIdentity issued, ReadOnlySpan<byte> deviceIdentity, string? keyIndexAttribute)
//       deviceIdentity = the content of <device-identity>, keyIndexAttribute = its key-index attribute
//   both throw PairingVerificationException (PairingVerificationFailure says which check failed)
//   VerifiedDeviceIdentity.SignedDeviceIdentity   the full ADVSignedDeviceIdentity (with the account key), what the
//       companion later sends as <device-identity> in pkmsg stanzas

/// <summary>The companion's accepted ADV identity: what the phone issued plus the companion's device signature.</summary>
public sealed record VerifiedDeviceIdentity
{
    internal VerifiedDeviceIdentity(IssuedDeviceIdentity issued, byte[] deviceSignature, byte[] signedDeviceIdentity)
    {
        Issued = issued;
        DeviceSignature = deviceSignature;
        SignedDeviceIdentity = signedDeviceIdentity;
    }

    /// <summary>What the phone sent in pair-success.</summary>
    public IssuedDeviceIdentity Issued { get; }

    /// <summary>XEdDSA(companion identity key, [6,1] || details || companion identity key || account signature key).</summary>
    public ReadOnlyMemory<byte> DeviceSignature { get; }

    /// <summary>ADVSignedDeviceIdentity{details, accountSignatureKey, accountSignature, deviceSignature}, serialized.</summary>
    public ReadOnlyMemory<byte> SignedDeviceIdentity { get; }

    public uint KeyIndex => Issued.KeyIndex;

    public ReadOnlyMemory<byte> CompanionIdentityKey => Issued.CompanionIdentityKey;
}

/// <summary>Checks a companion's <c>&lt;pair-device-sign&gt;</c> answer against the identity the phone issued.</summary>
/// <remarks>
/// A genuine client (Baileys configureSuccessfulPairing, whatsmeow handlePair) answers with the ADVSignedDeviceIdentity it
/// received, byte-identical <c>details</c> and account signature, <c>accountSignatureKey</c> removed, a device signature
/// added, and <c>key-index</c> set to the details' key index. Anything else means a broken or forged answer.
/// </remarks>
public static class PairDeviceSign
{
    /// <summary>Reads <c>&lt;pair-device-sign&gt;&lt;device-identity key-index&gt;</c> from the answer and verifies it.</summary>
    /// <param name="reply">The whole <c>&lt;iq type="result"&gt;</c> or its <c>&lt;pair-device-sign&gt;</c> child.</param>
    /// <exception cref="PairingVerificationException">Any check failed.</exception>
    public static VerifiedDeviceIdentity Verify(IssuedDeviceIdentity issued, Node reply)
    {
        ArgumentNullException.ThrowIfNull(issued);
        ArgumentNullException.ThrowIfNull(reply);
        var sign = reply.Tag switch
        {
            "pair-device-sign" => reply,
            "iq" when reply.GetOptionalString("type") == "result" && reply.Children.Count == 1 => reply.GetOptionalChild("pair-device-sign"),
            _ => null,
        } ?? throw new PairingVerificationException(PairingVerificationFailure.MalformedReply, "expected <iq type=\"result\"> with exactly one <pair-device-sign> child.");

        var identities = sign.GetChildren("device-identity").ToList();
        if (identities.Count != 1 || identities[0].ContentKind != NodeContentKind.Bytes)
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedReply, "<pair-device-sign> must hold exactly one <device-identity> with binary content.");
        }

        return Verify(issued, identities[0].Bytes.Span, identities[0].GetOptionalString("key-index"));
    }

    /// <summary>Verifies the content and <c>key-index</c> attribute of the answer's <c>&lt;device-identity&gt;</c>.</summary>
    /// <exception cref="PairingVerificationException">Any check failed.</exception>
    public static VerifiedDeviceIdentity Verify(IssuedDeviceIdentity issued, ReadOnlySpan<byte> deviceIdentity, string? keyIndexAttribute)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var keyIndex = ParseKeyIndex(keyIndexAttribute);

        ADVSignedDeviceIdentity answer;
        try
        {
            answer = ADVSignedDeviceIdentity.Parser.ParseFrom(deviceIdentity);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "the device identity is not an ADVSignedDeviceIdentity.", e);
        }

        if (!answer.HasDetails)
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedProtobuf, "the device identity has no details.");
        }

        if (!answer.Details.Span.SequenceEqual(issued.Details.Span))
        {
            throw new PairingVerificationException(PairingVerificationFailure.DetailsChanged, "the details differ from those the phone signed.");
        }

        if (answer.HasAccountSignatureKey)
        {
            throw new PairingVerificationException(PairingVerificationFailure.AccountSignatureKeyPresent, "the answer must not carry accountSignatureKey.");
        }

        if (!answer.HasAccountSignature || !answer.AccountSignature.Span.SequenceEqual(issued.AccountSignature.Span))
        {
            throw new PairingVerificationException(PairingVerificationFailure.AccountSignatureChanged, "the account signature differs from the one the phone issued.");
        }

        if (keyIndex != issued.KeyIndex)
        {
            throw new PairingVerificationException(PairingVerificationFailure.KeyIndexMismatch, $"key-index {keyIndex}, but the phone issued {issued.KeyIndex}.");
        }

        if (!answer.HasDeviceSignature || answer.DeviceSignature.Length != XEdDsa.SignatureSize)
        {
            throw new PairingVerificationException(PairingVerificationFailure.BadDeviceSignature, $"the device signature is missing or not {XEdDsa.SignatureSize} bytes.");
        }

        var signed = AdvPrefixes.Concat(AdvPrefixes.DeviceSignature, issued.Details.Span, issued.CompanionIdentityKey.Span, issued.AccountSignatureKey.Span);
        if (!XEdDsa.Verify(issued.CompanionIdentityKey.Span, signed, answer.DeviceSignature.Span))
        {
            throw new PairingVerificationException(PairingVerificationFailure.BadDeviceSignature, "the device signature does not verify under the companion's identity key.");
        }

        var deviceSignature = answer.DeviceSignature.ToByteArray();
        var full = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(issued.Details.Span),
            AccountSignatureKey = ByteString.CopyFrom(issued.AccountSignatureKey.Span),
            AccountSignature = ByteString.CopyFrom(issued.AccountSignature.Span),
            DeviceSignature = ByteString.CopyFrom(deviceSignature),
        }.ToByteArray();
        return new VerifiedDeviceIdentity(issued, deviceSignature, full);
    }

    private static uint ParseKeyIndex(string? attribute)
    {
        // Decimal digits only, as Baileys (keyIndex.toString()) and whatsmeow (strconv) write it.
        if (string.IsNullOrEmpty(attribute) || attribute.Length > 10 || !attribute.All(char.IsAsciiDigit)
            || !uint.TryParse(attribute, NumberStyles.None, CultureInfo.InvariantCulture, out var keyIndex))
        {
            throw new PairingVerificationException(PairingVerificationFailure.MalformedReply, "the key-index attribute is missing or not a decimal number.");
        }

        return keyIndex;
    }
}
