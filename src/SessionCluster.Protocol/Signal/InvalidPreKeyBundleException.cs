namespace SessionCluster.Protocol.Signal;

/// <summary>Why a prekey bundle was refused.</summary>
public enum InvalidPreKeyBundleReason
{
    /// <summary>A key is not 32 bytes, the signature is not 64, or a one-time prekey id comes without its key (or the reverse).</summary>
    MalformedKey,

    /// <summary>The signed prekey's signature does not verify under the bundle's identity key.</summary>
    BadSignedPreKeySignature,

    /// <summary>A key is a low-order point, which would make a Diffie-Hellman output all zeros.</summary>
    LowOrderKey,
}

/// <summary>A prekey bundle cannot start a session. The record passed in is unchanged.</summary>
public sealed class InvalidPreKeyBundleException(InvalidPreKeyBundleReason reason, string message, Exception? inner = null)
    : ProtocolFailureException<InvalidPreKeyBundleReason>(reason, message, inner)
{
    /// <summary>Why the bundle was refused (the same as <see cref="ProtocolFailureException{TFailure}.Failure"/>).</summary>
    public InvalidPreKeyBundleReason Reason => Failure;
}
