using System.Security.Cryptography;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class PairingCodeTests
{
    [Fact]
    public void Generated_codes_are_eight_alphabet_characters()
    {
        for (var i = 0; i < 50; i++)
        {
            var code = PairingCode.Generate();
            Assert.Equal(8, code.Length);
            Assert.All(code, c => Assert.Contains(c, PairingCode.Alphabet));
        }
    }

    [Theory]
    [InlineData("0000000000", "11111111")]
    [InlineData("ffffffffff", "ZZZZZZZZ")]
    [InlineData("0842108421", "22222222")]
    [InlineData("0001000000", "111H1111")]
    public void Encode_packs_big_endian_five_bit_groups(string hex, string expected) =>
        Assert.Equal(expected, PairingCode.Encode(Convert.FromHexString(hex)));

    [Fact]
    public void Encode_pads_a_trailing_partial_group_with_zero_bits()
    {
        // One byte 0b11111_111 -> groups 11111, 111(00) -> 'Z', alphabet[28] = 'W'.
        Assert.Equal("ZW", PairingCode.Encode([0xFF]));
    }

    [Theory]
    [InlineData("ABCD-EFGH", "ABCDEFGH")]
    [InlineData("ABCDEFGH", "ABCDEFGH")]
    [InlineData("1234-5678", "12345678")]
    public void Normalize_accepts_the_bare_and_the_displayed_form(string code, string expected) =>
        Assert.Equal(expected, PairingCode.Normalize(code));

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEFG")]
    [InlineData("ABCDEFGHJ")]
    [InlineData("abcdefgh")]
    [InlineData("ABCDEFG0")]
    [InlineData("ABCDEFGO")]
    [InlineData("ABCDEFGI")]
    [InlineData("ABCDEFGU")]
    [InlineData("ABC-DEFGH")]
    [InlineData("ABCD EFGH")]
    [InlineData("ABCD--EFG")]
    public void Normalize_rejects_anything_but_eight_alphabet_characters(string code)
    {
        var e = Assert.Throws<PairingCodeException>(() => PairingCode.Normalize(code));
        Assert.Equal(PairingCodeFailure.InvalidCode, e.Failure);
    }

    [Fact]
    public void DeriveKey_is_PBKDF2_SHA256_with_131072_iterations_over_the_bare_code()
    {
        var salt = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var expected = Rfc2898DeriveBytes.Pbkdf2("ABCDEFGH"u8.ToArray(), salt, 131072, HashAlgorithmName.SHA256, 32);

        Assert.Equal(expected, PairingCode.DeriveKey("ABCD-EFGH", salt));
        Assert.Equal(131072, PairingCode.Iterations);
    }

    [Fact]
    public void Wrapped_key_is_salt_iv_and_aes_ctr_ciphertext_and_unwraps_with_the_same_code()
    {
        var publicKey = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(32);
        var iv = Convert.FromHexString("00000000000000000000000000000000");

        var wrapped = PairingCode.WrapEphemeral("ABCDEFGH", publicKey, salt, iv);

        Assert.Equal(80, wrapped.Length);
        Assert.Equal(salt, wrapped[..32]);
        Assert.Equal(iv, wrapped[32..48]);
        Assert.Equal(publicKey, PairingCode.UnwrapEphemeral("ABCD-EFGH", wrapped));

        // Independent CTR check: counter blocks iv and iv+1 through AES-ECB.
        using var aes = Aes.Create();
        aes.Key = PairingCode.DeriveKey("ABCDEFGH", salt);
        var keystream = aes.EncryptEcb(Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000001"), PaddingMode.None);
        Assert.Equal(publicKey.Select((b, i) => (byte)(b ^ keystream[i])).ToArray(), wrapped[48..]);
    }

    [Fact]
    public void Counter_carries_across_all_128_bits()
    {
        var publicKey = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(32);
        var iv = Convert.FromHexString("00ffffffffffffffffffffffffffffff");

        var wrapped = PairingCode.WrapEphemeral("ABCDEFGH", publicKey, salt, iv);

        using var aes = Aes.Create();
        aes.Key = PairingCode.DeriveKey("ABCDEFGH", salt);
        var keystream = aes.EncryptEcb(Convert.FromHexString("00ffffffffffffffffffffffffffffff01000000000000000000000000000000"), PaddingMode.None);
        Assert.Equal(publicKey.Select((b, i) => (byte)(b ^ keystream[i])).ToArray(), wrapped[48..]);
    }

    [Fact]
    public void Unwrapping_with_a_wrong_code_yields_other_bytes()
    {
        var publicKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = PairingCode.WrapEphemeral("ABCDEFGH", publicKey);

        Assert.NotEqual(publicKey, PairingCode.UnwrapEphemeral("ABCDEFGJ", wrapped));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(79)]
    [InlineData(81)]
    public void Wrapped_key_of_the_wrong_length_is_malformed(int length)
    {
        var e = Assert.Throws<PairingCodeException>(() => PairingCode.UnwrapEphemeral("ABCDEFGH", new byte[length]));
        Assert.Equal(PairingCodeFailure.MalformedWrappedKey, e.Failure);
    }
}
