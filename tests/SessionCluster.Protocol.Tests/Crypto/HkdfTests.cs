using System.Security.Cryptography;
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

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void Matches_all_three_RFC_5869_SHA256_cases_on_each_backend(string backend)
    {
        // Test case 1 (basic), 2 (80-byte inputs, 82 bytes out: a partial last block), 3 (no salt, no info).
        (byte[] Ikm, byte[] Salt, byte[] Info, string Okm)[] cases =
        [
            (Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), Convert.FromHexString("000102030405060708090a0b0c"), Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"),
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
            (Range(0x00, 0x50), Range(0x60, 0x50), Range(0xb0, 0x50),
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
            (Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), [], [],
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
        ];

        foreach (var (ikm, salt, info, okm) in cases)
        {
            var output = new byte[okm.Length / 2];
            Hkdf.DeriveSha256(ikm, salt, info, output, Backends.Sha256(backend));
            Assert.Equal(okm, Convert.ToHexStringLower(output));
        }
    }

    [Fact]
    public void Accepts_empty_input_key_material_as_Noise_split_needs()
    {
        var output = new byte[64];

        Hkdf.DeriveSha256(ReadOnlySpan<byte>.Empty, new byte[32], ReadOnlySpan<byte>.Empty, output);

        Assert.Contains(output, b => b != 0);
    }

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void Ten_thousand_random_derivations_match_dotnet_HKDF(string backend)
    {
        var random = new Random(0x4_CDF);
        for (var i = 0; i < 10_000; i++)
        {
            // .NET's HKDF (OpenSSL) refuses empty input key material, so the comparison starts at one byte.
            var ikm = new byte[random.Next(1, 101)];
            var salt = new byte[random.Next(0, 101)];
            var info = new byte[random.Next(0, 60)];
            random.NextBytes(ikm);
            random.NextBytes(salt);
            random.NextBytes(info);
            var output = new byte[random.Next(1, 300)];

            Hkdf.DeriveSha256(ikm, salt, info, output, Backends.Sha256(backend));

            Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output.Length, salt, info), output);
        }
    }

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void Empty_salt_and_all_zero_salts_derive_the_same_keys_as_Signal_relies_on(string backend)
    {
        var ikm = RandomNumberGenerator.GetBytes(32);
        var info = "WhisperMessageKeys"u8.ToArray();
        var expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 80, new byte[32], info);

        foreach (var saltLength in new[] { 0, 1, 32, 64 })
        {
            var output = new byte[80];
            Hkdf.DeriveSha256(ikm, new byte[saltLength], info, output, Backends.Sha256(backend));
            Assert.Equal(expected, output);
        }

        // A salt that is zero except for its last byte is a different key.
        var almostZero = new byte[32];
        almostZero[31] = 1;
        var other = new byte[80];
        Hkdf.DeriveSha256(ikm, almostZero, info, other, Backends.Sha256(backend));
        Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 80, almostZero, info), other);
    }

    [Fact]
    public void Produces_up_to_255_blocks_and_refuses_more()
    {
        var ikm = RandomNumberGenerator.GetBytes(32);
        var longest = new byte[Hkdf.MaxOutputLength];

        Hkdf.DeriveSha256(ikm, [], [], longest);

        Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, longest.Length, [], []), longest);
        Assert.Throws<ArgumentException>(() => Hkdf.DeriveSha256(ikm, [], [], new byte[Hkdf.MaxOutputLength + 1]));
    }

    [Fact]
    public void An_empty_output_is_a_no_op()
    {
        Hkdf.DeriveSha256(new byte[32], [], [], Span<byte>.Empty);
    }

    private static byte[] Range(int first, int count) => [.. Enumerable.Range(first, count).Select(i => (byte)i)];
}
