namespace SessionCluster.Protocol.Pairing;

/// <summary>Why a companion's ADV answer, a pair-success device identity or a signed key-index list was refused.</summary>
public enum PairingVerificationFailure
{
    /// <summary>The stanza lacks <c>&lt;pair-device-sign&gt;&lt;device-identity key-index&gt;</c> with binary content, or the key-index attribute is not a decimal number.</summary>
    MalformedReply,

    /// <summary>The bytes do not parse as the expected ADV protobuf, or a required field is missing.</summary>
    MalformedProtobuf,

    /// <summary>The <c>details</c> (ADVDeviceIdentity bytes) differ from those the phone signed.</summary>
    DetailsChanged,

    /// <summary>The account signature differs from the one the phone issued.</summary>
    AccountSignatureChanged,

    /// <summary>The reply still carries <c>accountSignatureKey</c>; clients strip it before answering (docs/PROTOCOL.md §6 step 6).</summary>
    AccountSignatureKeyPresent,

    /// <summary>The <c>key-index</c> attribute does not match the key index the phone issued.</summary>
    KeyIndexMismatch,

    /// <summary>The device signature is missing, not 64 bytes, or does not verify under the companion's identity key.</summary>
    BadDeviceSignature,

    /// <summary>An account signature (key-index list, or pair-success on the companion's side) does not verify under the account key.</summary>
    BadAccountSignature,

    /// <summary>The pair-success device identity's HMAC does not verify under the companion's ADV secret.</summary>
    HmacMismatch,
}

/// <summary>
/// A companion's <c>&lt;pair-device-sign&gt;</c> answer, a pair-success device identity (checked by the companion) or a
/// signed key-index list failed verification. <see cref="Failure"/> says which check; the message carries no key
/// material. The server answers such a pair-device-sign with an error and does not link the device.
/// </summary>
public sealed class PairingVerificationException(PairingVerificationFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<PairingVerificationFailure>(failure, message, inner);
