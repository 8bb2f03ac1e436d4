namespace SessionCluster.Protocol.Signal;

/// <summary>Why a Signal ciphertext could not be decrypted. The caller's state is always left untouched.</summary>
public enum DecryptFailure
{
    /// <summary>The bytes do not parse as the expected message (truncated, bad protobuf, missing fields, bad key encoding).</summary>
    InvalidMessage,

    /// <summary>The version byte is not 3 (current) — an older or newer protocol.</summary>
    UnsupportedVersion,

    /// <summary>The MAC or signature does not verify: tampered, or encrypted for another session.</summary>
    InvalidMac,

    /// <summary>This message was already decrypted (its message key is used up).</summary>
    DuplicateMessage,

    /// <summary>No session (or sender key state) exists that this message could belong to.</summary>
    NoSession,

    /// <summary>The message is more than the allowed number of messages ahead of its chain (2,000).</summary>
    TooFarInFuture,

    /// <summary>A PreKeyWhisperMessage names a one-time or signed prekey we do not have.</summary>
    MissingPreKey,

    /// <summary>The plaintext does not unpad or otherwise fails a check after decryption.</summary>
    InvalidPlaintext,
}

/// <summary>
/// A Signal message (1:1 or sender key) could not be decrypted. It names the reason; it never carries
/// key material or plaintext. The state passed to the decrypt call is unchanged.
/// </summary>
public sealed class SignalDecryptException(DecryptFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<DecryptFailure>(failure, message, inner);
