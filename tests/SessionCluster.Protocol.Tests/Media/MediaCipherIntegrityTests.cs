using System.Security.Cryptography;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Protocol.Tests.Media;

/// <summary>Each <see cref="MediaFailure"/>, provoked through both the span and the stream decryption.</summary>
public sealed class MediaCipherIntegrityTests
{
    private static readonly byte[] MediaKey = RandomNumberGenerator.GetBytes(32);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_flipped_ciphertext_byte_is_a_mac_mismatch_when_no_hashes_are_given(bool streaming)
    {
        var (blob, _) = Encrypt(200_000);
        blob[1234] ^= 0x01;

        var failure = await Failure(streaming, blob, MediaKind.Document, expected: null);

        Assert.Equal(MediaFailure.MacMismatch, failure);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_flipped_mac_byte_is_a_mac_mismatch(bool streaming)
    {
        var (blob, _) = Encrypt(100);
        blob[^1] ^= 0x80;

        Assert.Equal(MediaFailure.MacMismatch, await Failure(streaming, blob, MediaKind.Document, expected: null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_flipped_ciphertext_byte_is_a_file_enc_sha256_mismatch_when_the_hashes_are_given(bool streaming)
    {
        var (blob, media) = Encrypt(200_000);
        blob[1234] ^= 0x01;

        var failure = await Failure(streaming, blob, MediaKind.Document, new MediaHashes(media.FileEncSha256, media.FileSha256));

        Assert.Equal(MediaFailure.FileEncSha256Mismatch, failure);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_wrong_kind_is_a_mac_mismatch(bool streaming)
    {
        var (blob, _) = Encrypt(1000);

        Assert.Equal(MediaFailure.MacMismatch, await Failure(streaming, blob, MediaKind.Image, expected: null));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 25)]
    [InlineData(true, 0)]
    [InlineData(true, 25)]
    public async Task A_blob_shorter_than_one_block_and_the_mac_is_too_short(bool streaming, int length)
    {
        var (blob, _) = Encrypt(100);

        Assert.Equal(MediaFailure.TooShort, await Failure(streaming, blob[..length], MediaKind.Document, expected: null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_wrong_file_sha256_is_refused_after_decryption(bool streaming)
    {
        var (blob, media) = Encrypt(70_000);
        var wrong = (byte[])media.FileSha256.Clone();
        wrong[0] ^= 0x01;

        var failure = await Failure(streaming, blob, MediaKind.Document, new MediaHashes(media.FileEncSha256, wrong));

        Assert.Equal(MediaFailure.FileSha256Mismatch, failure);
    }

    [Theory]
    [InlineData(false, 32, 0x00)]
    [InlineData(true, 32, 0x00)]
    [InlineData(false, 65536 + 32, 0x11)]
    [InlineData(true, 65536 + 32, 0x11)]
    public async Task A_blob_with_a_valid_mac_but_malformed_padding_is_bad_padding(bool streaming, int length, byte lastByte)
    {
        // A sender that skipped PKCS#7: whole blocks ending in 0x00 (no padding) or 0x11 (more than a block).
        var plain = new byte[length];
        plain[^1] = lastByte;
        var blob = RawBlob(plain, MediaKind.Document);

        Assert.Equal(MediaFailure.BadPadding, await Failure(streaming, blob, MediaKind.Document, expected: null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_blob_with_a_valid_mac_but_not_whole_blocks_is_bad_padding(bool streaming)
    {
        var (blob, _) = Encrypt(40);
        var enc = blob[..^10];
        var uneven = WithMac([.. enc, 0x42], MediaKind.Document);

        Assert.Equal(MediaFailure.BadPadding, await Failure(streaming, uneven, MediaKind.Document, expected: null));
    }

    [Fact]
    public async Task A_failing_stream_decryption_withholds_the_last_block()
    {
        var (blob, media) = Encrypt(65536 + 100);
        var wrong = new MediaHashes(null, new byte[32]);
        using var output = new MemoryStream();

        await Assert.ThrowsAsync<MediaIntegrityException>(() =>
            MediaCipher.DecryptAsync(new MemoryStream(blob), MediaKey, MediaKind.Document, output, wrong, CancellationToken.None));

        Assert.True(output.Length < media.PlainLength);
    }

    private static (byte[] Blob, EncryptedMedia Media) Encrypt(int size)
    {
        var plain = new byte[size];
        new Random(size).NextBytes(plain);
        return MediaCipher.Encrypt(plain, MediaKey, MediaKind.Document);
    }

    /// <summary>CBC without padding, then the correct MAC: everything right except the padding.</summary>
    private static byte[] RawBlob(byte[] wholeBlocks, MediaKind kind)
    {
        var keys = MediaKeys.Derive(MediaKey, kind);
        using var aes = Aes.Create();
        aes.Key = keys.CipherKey.ToArray();
        return WithMac(aes.EncryptCbc(wholeBlocks, keys.Iv.Span, PaddingMode.None), kind);
    }

    private static byte[] WithMac(byte[] enc, MediaKind kind)
    {
        var keys = MediaKeys.Derive(MediaKey, kind);
        var mac = HMACSHA256.HashData(keys.MacKey.Span, [.. keys.Iv.Span, .. enc])[..10];
        return [.. enc, .. mac];
    }

    private static async Task<MediaFailure> Failure(bool streaming, byte[] blob, MediaKind kind, MediaHashes? expected)
    {
        var exception = streaming
            ? await Assert.ThrowsAsync<MediaIntegrityException>(() =>
                MediaCipher.DecryptAsync(new MemoryStream(blob), MediaKey, kind, Stream.Null, expected, CancellationToken.None))
            : Assert.Throws<MediaIntegrityException>(() => MediaCipher.Decrypt(blob, MediaKey, kind, expected));
        return exception.Failure;
    }
}
