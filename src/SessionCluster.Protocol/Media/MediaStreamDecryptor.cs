using System.Buffers;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Media;

/// <summary>
/// Decrypts a downloaded <c>enc || mac</c> blob of any length in one pass with two pooled buffers
/// (PROTOCOL.md §12 "Encrypting", and "Streaming a download" for why the output is provisional).
/// </summary>
/// <remarks>
/// The stream's length is not known ahead, so any bytes read could be the last: the decryptor always holds back
/// the final 26 bytes it has seen (the 10-byte MAC and the block that carries the padding) and decrypts only whole
/// blocks before them. At the end of the stream the held-back tail is checked in the documented order
/// (fileEncSha256, MAC, padding, fileSha256). Everything before the last block has by then been written to the
/// output unauthenticated; the caller discards it if anything throws.
/// </remarks>
internal static class MediaStreamDecryptor
{
    /// <summary>Bytes decrypted per round; a multiple of the AES block.</summary>
    internal const int ChunkSize = MediaStreamEncryptor.ChunkSize;

    private const int HeldBack = MediaBlob.MinimumLength;
    private const int Capacity = ChunkSize + HeldBack;

    public static async Task<long> DecryptAsync(Stream encrypted, MediaKeys keys, Stream output, MediaHashes? expected, CancellationToken ct)
    {
        var encBuffer = ArrayPool<byte>.Shared.Rent(Capacity);
        var plainBuffer = ArrayPool<byte>.Shared.Rent(Capacity);
        var chain = keys.Iv.ToArray();
        using var aes = Aes.Create();
        using var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey.Span);
        try
        {
            aes.SetKey(keys.CipherKey.Span);
            mac.AppendData(keys.Iv.Span);
            long consumed = 0;
            long plainLength = 0;
            var pending = 0;
            while (true)
            {
                var read = await encrypted.ReadAsync(encBuffer.AsMemory(pending, Capacity - pending), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                pending += read;
                if (pending < Capacity)
                {
                    continue;
                }

                // A full buffer: ChunkSize bytes are certainly not the tail, since HeldBack more follow them.
                blobHash.AppendData(encBuffer, 0, ChunkSize);
                mac.AppendData(encBuffer, 0, ChunkSize);
                var written = aes.DecryptCbc(encBuffer.AsSpan(0, ChunkSize), chain, plainBuffer, PaddingMode.None);
                encBuffer.AsSpan(ChunkSize - AesCbc.BlockSize, AesCbc.BlockSize).CopyTo(chain);
                plainHash.AppendData(plainBuffer, 0, written);
                await output.WriteAsync(plainBuffer.AsMemory(0, written), ct).ConfigureAwait(false);
                plainLength += written;
                consumed += ChunkSize;
                encBuffer.AsSpan(ChunkSize, HeldBack).CopyTo(encBuffer);
                pending = HeldBack;
            }

            if (consumed + pending < MediaBlob.MinimumLength)
            {
                throw MediaBlob.TooShort(consumed + pending);
            }

            var tailLength = pending - MediaBlob.MacSize;
            blobHash.AppendData(encBuffer, 0, pending);
            MediaBlob.CheckFileEncSha256(expected, blobHash.GetHashAndReset());

            mac.AppendData(encBuffer, 0, tailLength);
            MediaBlob.CheckMac(mac.GetHashAndReset(), encBuffer.AsSpan(tailLength, MediaBlob.MacSize));

            // Full chunks are whole blocks, so the tail alone says whether the ciphertext is.
            if (!AesCbc.TryDecrypt(keys.CipherKey.Span, chain, encBuffer.AsSpan(0, tailLength), plainBuffer, out var lastWritten))
            {
                throw MediaBlob.BadPadding();
            }

            plainHash.AppendData(plainBuffer, 0, lastWritten);
            plainLength += lastWritten;
            MediaBlob.CheckFileSha256(expected, plainHash.GetHashAndReset());
            await output.WriteAsync(plainBuffer.AsMemory(0, lastWritten), ct).ConfigureAwait(false);
            return plainLength;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encBuffer, clearArray: true);
            ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
        }
    }
}
