using System.Security.Cryptography;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Protocol.Tests.Media;

public sealed class MediaKeysTests
{
    // PROTOCOL.md "Test vectors": a mediaKey of 32 zero bytes with "WhatsApp Image Keys" gives iv a056b2e5…,
    // cipherKey 9fd66b80…79a6f9, macKey 7d206170…0bc08e. The full values (also computed with Python's hmac, and now
    // recorded there) must agree with those ends: the first test checks the ends, the second the whole values.
    private const string Iv = "a056b2e5cd64d4545d08f2503a042e75";
    private const string CipherKey = "9fd66b8025ea8b52777ab7efc2e748eb97639b1c96ecb902a5e235d99179a6f9";
    private const string MacKey = "7d206170eaff865940556ddd27f8770a28a46cc1281865e5c586a74bf60bc08e";
    private const string RefKey = "d678ecb96a45d95f502942b57e4ca8ab85e4cc41ee77b9c7a93657572b53838a";

    [Fact]
    public void A_zero_media_key_expands_to_the_abbreviated_vector_in_PROTOCOL_md()
    {
        var keys = MediaKeys.Derive(new byte[32], MediaKind.Image);
        var cipherKey = Convert.ToHexStringLower(keys.CipherKey.Span);
        var macKey = Convert.ToHexStringLower(keys.MacKey.Span);

        Assert.Equal("a056b2e5cd64d4545d08f2503a042e75", Convert.ToHexStringLower(keys.Iv.Span));
        Assert.StartsWith("9fd66b80", cipherKey, StringComparison.Ordinal);
        Assert.EndsWith("79a6f9", cipherKey, StringComparison.Ordinal);
        Assert.StartsWith("7d206170", macKey, StringComparison.Ordinal);
        Assert.EndsWith("0bc08e", macKey, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_media_key_expands_to_the_full_image_keys()
    {
        var keys = MediaKeys.Derive(new byte[32], MediaKind.Image);

        Assert.Equal(Iv, Convert.ToHexStringLower(keys.Iv.Span));
        Assert.Equal(CipherKey, Convert.ToHexStringLower(keys.CipherKey.Span));
        Assert.Equal(MacKey, Convert.ToHexStringLower(keys.MacKey.Span));
        Assert.Equal(RefKey, Convert.ToHexStringLower(keys.RefKey.Span));
    }

    [Theory]
    [InlineData(MediaKind.Image)]
    [InlineData(MediaKind.Video)]
    [InlineData(MediaKind.Audio)]
    [InlineData(MediaKind.Document)]
    [InlineData(MediaKind.Sticker)]
    [InlineData(MediaKind.History)]
    [InlineData(MediaKind.AppState)]
    [InlineData(MediaKind.LinkThumbnail)]
    public void Each_kind_is_split_from_112_bytes_of_HKDF_with_its_info(MediaKind kind)
    {
        var mediaKey = RandomNumberGenerator.GetBytes(32);
        var expanded = HKDF.DeriveKey(HashAlgorithmName.SHA256, mediaKey, 112, salt: [], info: System.Text.Encoding.ASCII.GetBytes(MediaKinds.HkdfInfo(kind)));

        var keys = MediaKeys.Derive(mediaKey, kind);

        Assert.Equal(expanded[..16], keys.Iv.ToArray());
        Assert.Equal(expanded[16..48], keys.CipherKey.ToArray());
        Assert.Equal(expanded[48..80], keys.MacKey.ToArray());
        Assert.Equal(expanded[80..112], keys.RefKey.ToArray());
    }

    [Fact]
    public void A_sticker_uses_the_image_keys_and_a_video_does_not()
    {
        var mediaKey = RandomNumberGenerator.GetBytes(32);
        var image = MediaKeys.Derive(mediaKey, MediaKind.Image);

        Assert.Equal(image.CipherKey.ToArray(), MediaKeys.Derive(mediaKey, MediaKind.Sticker).CipherKey.ToArray());
        Assert.NotEqual(image.CipherKey.ToArray(), MediaKeys.Derive(mediaKey, MediaKind.Video).CipherKey.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void A_media_key_that_is_not_32_bytes_is_refused(int length)
    {
        Assert.Throws<ArgumentException>(() => MediaKeys.Derive(new byte[length], MediaKind.Image));
    }

    [Theory]
    [InlineData(MediaKind.Image, "WhatsApp Image Keys", "image")]
    [InlineData(MediaKind.Sticker, "WhatsApp Image Keys", "image")]
    [InlineData(MediaKind.Video, "WhatsApp Video Keys", "video")]
    [InlineData(MediaKind.Audio, "WhatsApp Audio Keys", "audio")]
    [InlineData(MediaKind.Document, "WhatsApp Document Keys", "document")]
    [InlineData(MediaKind.History, "WhatsApp History Keys", "md-msg-hist")]
    [InlineData(MediaKind.AppState, "WhatsApp App State Keys", "md-app-state")]
    [InlineData(MediaKind.LinkThumbnail, "WhatsApp Link Thumbnail Keys", "thumbnail-link")]
    public void Each_kind_has_the_documented_info_and_mms_type(MediaKind kind, string info, string mmsType)
    {
        Assert.Equal(info, MediaKinds.HkdfInfo(kind));
        Assert.Equal(mmsType, MediaKinds.MmsType(kind));
    }

    [Fact]
    public void An_undefined_kind_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MediaKinds.HkdfInfo((MediaKind)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => MediaKinds.MmsType((MediaKind)99));
    }
}
