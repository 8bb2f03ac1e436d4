using System.Security.Cryptography;

namespace SessionCluster.Protocol.Media;

/// <summary>The layout of an uploaded blob, <c>enc || mac</c> (PROTOCOL.md §12 "Encrypting"), and its checks.</summary>
internal static class MediaBlob
{
    /// <summary>The MAC is HMAC-SHA256(macKey, iv || enc) cut to its first 10 bytes.</summary>
    public const int MacSize = 10;

    /// <summary>One AES block (PKCS#7 always adds one) and the MAC.</summary>
    public const int MinimumLength = 16 + MacSize;

    public static MediaIntegrityException TooShort(long length) =>
        new(MediaFailure.TooShort, $"A media blob is at least {MinimumLength} bytes; this one has {length}.");

    public static void CheckFileEncSha256(MediaHashes? expected, ReadOnlySpan<byte> actual)
    {
        if (expected?.FileEncSha256 is { } announced && !CryptographicOperations.FixedTimeEquals(announced, actual))
        {
            throw new MediaIntegrityException(MediaFailure.FileEncSha256Mismatch, "The blob's SHA-256 is not the announced fileEncSha256.");
        }
    }

    /// <param name="fullMac">The whole HMAC-SHA256 of iv || enc.</param>
    /// <param name="received">The blob's last 10 bytes.</param>
    public static void CheckMac(ReadOnlySpan<byte> fullMac, ReadOnlySpan<byte> received)
    {
        if (!CryptographicOperations.FixedTimeEquals(fullMac[..MacSize], received))
        {
            throw new MediaIntegrityException(MediaFailure.MacMismatch, "The media MAC does not verify (tampered, or another mediaKey or kind).");
        }
    }

    public static MediaIntegrityException BadPadding() =>
        new(MediaFailure.BadPadding, "The MAC verifies but the ciphertext is not whole blocks or its PKCS#7 padding is malformed.");

    public static void CheckFileSha256(MediaHashes? expected, ReadOnlySpan<byte> actual)
    {
        if (expected?.FileSha256 is { } announced && !CryptographicOperations.FixedTimeEquals(announced, actual))
        {
            throw new MediaIntegrityException(MediaFailure.FileSha256Mismatch, "The decrypted bytes' SHA-256 is not the announced fileSha256.");
        }
    }
}
