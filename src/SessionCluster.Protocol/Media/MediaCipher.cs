using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Media;

/// <summary>
/// WhatsApp media encryption (PROTOCOL.md §12 "Encrypting"): <c>enc = AES-256-CBC-PKCS7(cipherKey, iv, plain)</c>,
/// <c>mac = HMAC-SHA256(macKey, iv || enc)[0:10]</c>, blob = <c>enc || mac</c>, with keys from <see cref="MediaKeys"/>.
/// </summary>
/// <remarks>
/// <para>
/// The stream methods never hold a whole file: they work through pooled 64 KiB buffers and hash as they go, so a
/// gigabyte video costs the same memory as a thumbnail. The span methods are for small blobs (thumbnails,
/// app-state and history payloads) already in memory.
/// </para>
/// <para>
/// Integrity failures throw <see cref="MediaIntegrityException"/>, checked in the order a downloader must:
/// <see cref="MediaFailure.TooShort"/>, <see cref="MediaFailure.FileEncSha256Mismatch"/>,
/// <see cref="MediaFailure.MacMismatch"/>, <see cref="MediaFailure.BadPadding"/>, <see cref="MediaFailure.FileSha256Mismatch"/>.
/// </para>
/// </remarks>
public static class MediaCipher
{
    /// <summary>
    /// Encrypts <paramref name="plain"/> to <paramref name="output"/> as the blob to upload (<c>enc || mac</c>)
    /// and returns its lengths and hashes. Reads <paramref name="plain"/> to its end; neither stream is disposed.
    /// </summary>
    /// <param name="plain">The file, read once from its current position.</param>
    /// <param name="mediaKey">32 random bytes, sent to the recipients in the media message.</param>
    /// <param name="kind">Selects the key-derivation info.</param>
    /// <param name="output">Receives the blob.</param>
    /// <param name="ct">Cancels reading and writing.</param>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes.</exception>
    public static Task<EncryptedMedia> EncryptAsync(Stream plain, ReadOnlyMemory<byte> mediaKey, MediaKind kind, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(output);
        var keys = MediaKeys.Derive(mediaKey.Span, kind);
        return MediaStreamEncryptor.EncryptAsync(plain, keys, output, ct);
    }

    /// <summary>
    /// Decrypts a downloaded blob from <paramref name="encrypted"/> to <paramref name="output"/> and returns the
    /// plaintext length, checking the blob's SHA-256, the MAC, the padding and the plaintext's SHA-256 in that order.
    /// </summary>
    /// <remarks>
    /// <b>The output is provisional until this returns.</b> The MAC sits at the end of the blob, so plaintext is
    /// written before it can be verified. If this throws (an integrity failure, cancellation, an I/O error), what
    /// was written is unauthenticated and must be discarded: decrypt into a temporary file and move it into place
    /// only on success. When the whole blob fits in memory, <see cref="Decrypt"/> checks everything first.
    /// </remarks>
    /// <param name="encrypted">The downloaded <c>enc || mac</c>, read to its end.</param>
    /// <param name="mediaKey">The message's 32-byte mediaKey.</param>
    /// <param name="kind">Selects the key-derivation info.</param>
    /// <param name="output">Receives the plaintext.</param>
    /// <param name="expected">The message's announced hashes; null (or null members) skips those checks.</param>
    /// <param name="ct">Cancels reading and writing.</param>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes.</exception>
    /// <exception cref="MediaIntegrityException">A check failed; discard the output.</exception>
    public static Task<long> DecryptAsync(Stream encrypted, ReadOnlyMemory<byte> mediaKey, MediaKind kind, Stream output, MediaHashes? expected, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        ArgumentNullException.ThrowIfNull(output);
        var keys = MediaKeys.Derive(mediaKey.Span, kind);
        return MediaStreamDecryptor.DecryptAsync(encrypted, keys, output, expected, ct);
    }

    /// <summary>Encrypts a small file held in memory; the same bytes and hashes as <see cref="EncryptAsync"/>.</summary>
    /// <param name="plain">The file.</param>
    /// <param name="mediaKey">32 random bytes.</param>
    /// <param name="kind">Selects the key-derivation info.</param>
    /// <returns>The blob to upload (<c>enc || mac</c>) and its description.</returns>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes.</exception>
    public static (byte[] Blob, EncryptedMedia Media) Encrypt(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> mediaKey, MediaKind kind)
    {
        var keys = MediaKeys.Derive(mediaKey, kind);
        var encLength = AesCbc.GetCiphertextLength(plain.Length);
        var blob = new byte[encLength + MediaBlob.MacSize];
        AesCbc.Encrypt(keys.CipherKey.Span, keys.Iv.Span, plain, blob.AsSpan(0, encLength));

        Span<byte> fullMac = stackalloc byte[HmacSha256.MacSize];
        new HmacSha256Key(keys.MacKey.Span).Compute(keys.Iv.Span, blob.AsSpan(0, encLength), fullMac);
        fullMac[..MediaBlob.MacSize].CopyTo(blob.AsSpan(encLength));

        return (blob, new EncryptedMedia(plain.Length, SHA256.HashData(plain), SHA256.HashData(blob), blob.Length));
    }

    /// <summary>
    /// Decrypts a small blob held in memory. Unlike <see cref="DecryptAsync"/>, every check except the plaintext's
    /// SHA-256 runs before anything is decrypted, and nothing is returned unless all pass.
    /// </summary>
    /// <param name="encrypted">The downloaded <c>enc || mac</c>.</param>
    /// <param name="mediaKey">The message's 32-byte mediaKey.</param>
    /// <param name="kind">Selects the key-derivation info.</param>
    /// <param name="expected">The message's announced hashes; null (or null members) skips those checks.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes.</exception>
    /// <exception cref="MediaIntegrityException">A check failed.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> encrypted, ReadOnlySpan<byte> mediaKey, MediaKind kind, MediaHashes? expected)
    {
        var keys = MediaKeys.Derive(mediaKey, kind);
        if (encrypted.Length < MediaBlob.MinimumLength)
        {
            throw MediaBlob.TooShort(encrypted.Length);
        }

        if (expected?.FileEncSha256 is not null)
        {
            MediaBlob.CheckFileEncSha256(expected, SHA256.HashData(encrypted));
        }

        var enc = encrypted[..^MediaBlob.MacSize];
        Span<byte> fullMac = stackalloc byte[HmacSha256.MacSize];
        new HmacSha256Key(keys.MacKey.Span).Compute(keys.Iv.Span, enc, fullMac);
        MediaBlob.CheckMac(fullMac, encrypted[^MediaBlob.MacSize..]);

        var buffer = new byte[enc.Length];
        try
        {
            if (!AesCbc.TryDecrypt(keys.CipherKey.Span, keys.Iv.Span, enc, buffer, out var length))
            {
                throw MediaBlob.BadPadding();
            }

            if (expected?.FileSha256 is not null)
            {
                MediaBlob.CheckFileSha256(expected, SHA256.HashData(buffer.AsSpan(0, length)));
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            // Refused plaintext is never returned, so it should not linger either.
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
