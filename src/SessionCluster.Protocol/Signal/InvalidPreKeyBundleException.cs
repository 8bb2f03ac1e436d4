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
public sealed class InvalidPreKeyBundleException : Exception
{
    public InvalidPreKeyBundleException(InvalidPreKeyBundleReason reason, string message)
        : base($"{reason}: {message}")
    {
        Reason = reason;
    }

    public InvalidPreKeyBundleException(InvalidPreKeyBundleReason reason, string message, Exception inner)
        : base($"{reason}: {message}", inner)
    {
        Reason = reason;
    }

    public InvalidPreKeyBundleReason Reason { get; }
}
