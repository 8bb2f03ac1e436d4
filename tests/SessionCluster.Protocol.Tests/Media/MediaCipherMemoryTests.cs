using SessionCluster.Protocol.Media;

namespace SessionCluster.Protocol.Tests.Media;

/// <summary>
/// The stream methods must not hold the file: allocations on this thread stay far below the file's size.
/// Allocation counts are deterministic, so these are not timing tests; every stream here completes synchronously,
/// which the tests assert, so the whole call runs on the measured thread.
/// </summary>
public sealed class MediaCipherMemoryTests
{
    private const long Limit = 4 * 1024 * 1024;

    private static readonly byte[] MediaKey = new byte[32];

    [Fact]
    public async Task Encrypting_64_MiB_allocates_less_than_4_MiB()
    {
        const long size = 64L * 1024 * 1024;
        await MediaCipher.EncryptAsync(new PseudoRandomStream(1000), MediaKey, MediaKind.Video, Stream.Null, CancellationToken.None); // JIT and pools warm

        var before = GC.GetAllocatedBytesForCurrentThread();
        var task = MediaCipher.EncryptAsync(new PseudoRandomStream(size), MediaKey, MediaKind.Video, Stream.Null, CancellationToken.None);
        Assert.True(task.IsCompleted);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var media = await task;
        Assert.Equal(size, media.PlainLength);
        Assert.True(allocated < Limit, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task Decrypting_16_MiB_allocates_less_than_4_MiB()
    {
        const int size = 16 * 1024 * 1024;
        using var blob = new MemoryStream(size + 32);
        var media = await MediaCipher.EncryptAsync(new PseudoRandomStream(size), MediaKey, MediaKind.Video, blob, CancellationToken.None);
        var hashes = new MediaHashes(media.FileEncSha256, media.FileSha256);
        var (small, _) = MediaCipher.Encrypt(new byte[1000], MediaKey, MediaKind.Video);
        await MediaCipher.DecryptAsync(new MemoryStream(small), MediaKey, MediaKind.Video, Stream.Null, null, CancellationToken.None); // JIT and pools warm
        blob.Position = 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var task = MediaCipher.DecryptAsync(blob, MediaKey, MediaKind.Video, Stream.Null, hashes, CancellationToken.None);
        Assert.True(task.IsCompleted);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(size, await task);
        Assert.True(allocated < Limit, $"{allocated} bytes allocated");
    }
}
