using System.Security.Cryptography;
using System.Text;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Protocol.Tests.Media;

public sealed class MediaCipherRoundTripTests
{
    // Around the AES block (16) and the 64 KiB streaming chunk, and one large odd size.
    public static TheoryData<int> Sizes => [0, 1, 15, 16, 17, 65535, 65536, 65537, 1_000_003];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Stream_and_span_encryption_produce_the_same_blob_and_description(int size)
    {
        var (plain, mediaKey) = Input(size);

        var (blob, media) = MediaCipher.Encrypt(plain, mediaKey, MediaKind.Document);
        using var streamed = new MemoryStream();
        var streamedMedia = await MediaCipher.EncryptAsync(new MemoryStream(plain), mediaKey, MediaKind.Document, streamed, CancellationToken.None);

        Assert.Equal(blob, streamed.ToArray());
        AssertSame(media, streamedMedia);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task The_streamed_blob_is_the_documented_construction_computed_on_the_whole_buffer(int size)
    {
        var (plain, mediaKey) = Input(size);

        using var streamed = new MemoryStream();
        var media = await MediaCipher.EncryptAsync(new MemoryStream(plain), mediaKey, MediaKind.Video, streamed, CancellationToken.None);

        // PROTOCOL.md §12, independently: HKDF → iv|cipherKey|macKey, AES-256-CBC-PKCS7, HMAC-SHA256(iv || enc)[0:10].
        var expanded = HKDF.DeriveKey(HashAlgorithmName.SHA256, mediaKey, 112, salt: [], info: Encoding.ASCII.GetBytes("WhatsApp Video Keys"));
        var iv = expanded[..16];
        using var aes = Aes.Create();
        aes.Key = expanded[16..48];
        var enc = aes.EncryptCbc(plain, iv, PaddingMode.PKCS7);
        var mac = HMACSHA256.HashData(expanded[48..80], (byte[])[.. iv, .. enc])[..10];
        byte[] expected = [.. enc, .. mac];

        Assert.Equal(expected, streamed.ToArray());
        Assert.Equal(SHA256.HashData(plain), media.FileSha256);
        Assert.Equal(SHA256.HashData(expected), media.FileEncSha256);
        Assert.Equal(plain.Length, media.PlainLength);
        Assert.Equal(expected.Length, media.EncryptedLength);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Stream_and_span_decryption_give_back_the_plaintext_with_every_check_on(int size)
    {
        var (plain, mediaKey) = Input(size);
        var (blob, media) = MediaCipher.Encrypt(plain, mediaKey, MediaKind.Audio);
        var hashes = new MediaHashes(media.FileEncSha256, media.FileSha256);

        var fromSpan = MediaCipher.Decrypt(blob, mediaKey, MediaKind.Audio, hashes);
        using var output = new MemoryStream();
        var length = await MediaCipher.DecryptAsync(new MemoryStream(blob), mediaKey, MediaKind.Audio, output, hashes, CancellationToken.None);

        Assert.Equal(plain, fromSpan);
        Assert.Equal(plain, output.ToArray());
        Assert.Equal(plain.Length, length);
    }

    [Theory]
    [InlineData(65537, 1)]
    [InlineData(200_003, 7)]
    [InlineData(200_003, 4099)]
    public async Task Streams_that_return_a_few_bytes_per_read_give_the_same_result(int size, int maxRead)
    {
        var (plain, mediaKey) = Input(size);
        var (blob, media) = MediaCipher.Encrypt(plain, mediaKey, MediaKind.Image);

        using var encrypted = new MemoryStream();
        var streamedMedia = await MediaCipher.EncryptAsync(new TrickleStream(plain, maxRead), mediaKey, MediaKind.Image, encrypted, CancellationToken.None);
        using var decrypted = new MemoryStream();
        await MediaCipher.DecryptAsync(new TrickleStream(blob, maxRead), mediaKey, MediaKind.Image, decrypted, new MediaHashes(media.FileEncSha256, media.FileSha256), CancellationToken.None);

        Assert.Equal(blob, encrypted.ToArray());
        AssertSame(media, streamedMedia);
        Assert.Equal(plain, decrypted.ToArray());
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_stream_methods()
    {
        var (plain, mediaKey) = Input(100);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            MediaCipher.EncryptAsync(new MemoryStream(plain), mediaKey, MediaKind.Image, Stream.Null, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            MediaCipher.DecryptAsync(new MemoryStream(new byte[100]), mediaKey, MediaKind.Image, Stream.Null, null, cancelled.Token));
    }

    [Fact]
    public void The_stream_methods_refuse_a_short_media_key_before_reading()
    {
        Assert.Throws<ArgumentException>(() => { _ = MediaCipher.EncryptAsync(Stream.Null, new byte[16], MediaKind.Image, Stream.Null, CancellationToken.None); });
        Assert.Throws<ArgumentException>(() => { _ = MediaCipher.DecryptAsync(Stream.Null, new byte[16], MediaKind.Image, Stream.Null, null, CancellationToken.None); });
    }

    private static (byte[] Plain, byte[] MediaKey) Input(int size)
    {
        var random = new Random(size);
        var plain = new byte[size];
        random.NextBytes(plain);
        var mediaKey = new byte[32];
        random.NextBytes(mediaKey);
        return (plain, mediaKey);
    }

    private static void AssertSame(EncryptedMedia expected, EncryptedMedia actual)
    {
        Assert.Equal(expected.PlainLength, actual.PlainLength);
        Assert.Equal(expected.FileSha256, actual.FileSha256);
        Assert.Equal(expected.FileEncSha256, actual.FileEncSha256);
        Assert.Equal(expected.EncryptedLength, actual.EncryptedLength);
    }
}
