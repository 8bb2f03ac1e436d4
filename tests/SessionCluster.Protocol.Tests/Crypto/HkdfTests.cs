using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class HkdfTests
{
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")]
    public void Matches_RFC_5869(string ikm, string salt, string info, string expected)
    {
        var output = new byte[expected.Length / 2];

        Hkdf.DeriveSha256(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), output);

        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Accepts_empty_input_key_material_as_Noise_split_needs()
    {
        var output = new byte[64];

        Hkdf.DeriveSha256(ReadOnlySpan<byte>.Empty, new byte[32], ReadOnlySpan<byte>.Empty, output);

        Assert.Contains(output, b => b != 0);
    }
}
