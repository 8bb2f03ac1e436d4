namespace SessionCluster.Protocol.Media;

/// <summary>Which check a downloaded media blob failed, in the order they run (PROTOCOL.md §12 "Encrypting").</summary>
public enum MediaFailure
{
    /// <summary>Shorter than one AES block plus the 10-byte MAC (26 bytes): it cannot be a media blob.</summary>
    TooShort,

    /// <summary>The blob's SHA-256 is not the announced fileEncSha256: corrupted or not the file the message names.</summary>
    FileEncSha256Mismatch,

    /// <summary>The 10-byte MAC does not verify: tampered, or the wrong mediaKey or kind.</summary>
    MacMismatch,

    /// <summary>The MAC verifies but the ciphertext is not whole blocks or its PKCS#7 padding is malformed: a faulty sender.</summary>
    BadPadding,

    /// <summary>The decrypted bytes' SHA-256 is not the announced fileSha256.</summary>
    FileSha256Mismatch,
}

/// <summary>
/// A media blob failed an integrity check. It names the check; it never carries key material or plaintext.
/// After the streaming decryption throws it, whatever was already written to the output must be discarded.
/// </summary>
public sealed class MediaIntegrityException(MediaFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<MediaFailure>(failure, message, inner);
