using System.Buffers;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Media;

/// <summary>
/// Encrypts a stream of any length in one pass with two pooled 64 KiB buffers (PROTOCOL.md §12 "Encrypting").
/// </summary>
/// <remarks>
/// CBC is chained by hand: each full chunk is encrypted without padding from the previous chunk's last
/// ciphertext block, and only the short (possibly empty) last chunk gets PKCS#7. The result is byte for byte
/// the one-shot encryption of the whole file. The three hashes (plain, enc || mac, and the MAC over iv || enc)
/// follow the bytes as they pass.
/// </remarks>
internal static class MediaStreamEncryptor
{
    /// <summary>A multiple of the AES block, so every full chunk is whole blocks.</summary>
    internal const int ChunkSize = 64 * 1024;

    public static async Task<EncryptedMedia> EncryptAsync(Stream plain, MediaKeys keys, Stream output, CancellationToken ct)
    {
        var plainBuffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var encBuffer = ArrayPool<byte>.Shared.Rent(ChunkSize + AesCbc.BlockSize);
        var chain = keys.Iv.ToArray();
        using var aes = Aes.Create();
        using var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey.Span);
        try
        {
            aes.SetKey(keys.CipherKey.Span);
            mac.AppendData(keys.Iv.Span);
            long plainLength = 0;
            long encLength = 0;
            while (true)
            {
                var filled = await FillAsync(plain, plainBuffer.AsMemory(0, ChunkSize), ct).ConfigureAwait(false);
                plainHash.AppendData(plainBuffer, 0, filled);
                plainLength += filled;

                // A full chunk may still be followed by more; only a short read is certainly the end.
                var isLast = filled < ChunkSize;
                var written = isLast
                    ? AesCbc.Encrypt(keys.CipherKey.Span, chain, plainBuffer.AsSpan(0, filled), encBuffer)
                    : aes.EncryptCbc(plainBuffer.AsSpan(0, filled), chain, encBuffer, PaddingMode.None);
                blobHash.AppendData(encBuffer, 0, written);
                mac.AppendData(encBuffer, 0, written);
                await output.WriteAsync(encBuffer.AsMemory(0, written), ct).ConfigureAwait(false);
                encLength += written;
                if (isLast)
                {
                    break;
                }

                encBuffer.AsSpan(written - AesCbc.BlockSize, AesCbc.BlockSize).CopyTo(chain);
            }

            var fullMac = mac.GetHashAndReset();
            var macBytes = fullMac.AsMemory(0, MediaBlob.MacSize);
            blobHash.AppendData(macBytes.Span);
            await output.WriteAsync(macBytes, ct).ConfigureAwait(false);
            return new EncryptedMedia(plainLength, plainHash.GetHashAndReset(), blobHash.GetHashAndReset(), encLength + MediaBlob.MacSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
            ArrayPool<byte>.Shared.Return(encBuffer, clearArray: true);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; streams may return less than asked.</summary>
    private static async ValueTask<int> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[filled..], ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
