using System.Security.Cryptography;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Benchmarks.Media;

/// <summary>One size's pure media crypto figures: encrypt to nowhere, encrypt to a temporary file (as an upload does), decrypt.</summary>
internal sealed record MediaCryptoResult(int Megabytes, RoundResult EncryptToNull, RoundResult EncryptToFile, RoundResult Decrypt);

/// <summary>
/// <see cref="MediaCipher.EncryptAsync"/> and <see cref="MediaCipher.DecryptAsync"/> on files read from disk (page
/// cache warm after the first round): to <see cref="Stream.Null"/> (the crypto and hashing alone), and encrypting into
/// a temporary file that deletes itself, the way <c>MediaUploads</c> does and Baileys' <c>encryptedStream</c> does
/// (so that row is the one compared with Baileys). Decryption checks both hashes and the MAC.
/// </summary>
internal static class MediaCryptoRounds
{
    public static async Task<MediaCryptoResult> RunAsync(MediaFiles files, int megabytes, int warmup, int rounds)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var toNull = await Rounds.MeasureAsync(warmup, rounds, async () =>
        {
            await using var plain = files.Open(megabytes);
            await MediaCipher.EncryptAsync(plain, key, MediaKind.Document, Stream.Null, CancellationToken.None);
        });

        var toFile = await Rounds.MeasureAsync(warmup, rounds, async () =>
        {
            await using var plain = files.Open(megabytes);
            await using var encrypted = TemporaryFile(files.Folder);
            await MediaCipher.EncryptAsync(plain, key, MediaKind.Document, encrypted, CancellationToken.None);
            await encrypted.FlushAsync();
        });

        var blobPath = Path.Combine(files.Folder, $"blob-{megabytes}MB.enc");
        EncryptedMedia media;
        await using (var plain = files.Open(megabytes))
        await using (var blob = new FileStream(blobPath, FileMode.CreateNew, FileAccess.Write))
        {
            media = await MediaCipher.EncryptAsync(plain, key, MediaKind.Document, blob, CancellationToken.None);
        }

        var hashes = new MediaHashes(media.FileEncSha256, media.FileSha256);
        var decrypt = await Rounds.MeasureAsync(warmup, rounds, async () =>
        {
            await using var blob = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var length = await MediaCipher.DecryptAsync(blob, key, MediaKind.Document, Stream.Null, hashes, CancellationToken.None);
            if (length != MediaFiles.Bytes(megabytes))
            {
                throw new InvalidOperationException($"Decrypted {length} bytes of {MediaFiles.Bytes(megabytes)}.");
            }
        });
        File.Delete(blobPath);
        return new MediaCryptoResult(megabytes, toNull, toFile, decrypt);
    }

    /// <summary>As MediaUploads opens its temporary file.</summary>
    private static FileStream TemporaryFile(string folder) =>
        new(Path.Combine(folder, "enc-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
