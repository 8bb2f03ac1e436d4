using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using PlatformAes = System.Security.Cryptography.Aes;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class AesCbcTests
{
    // NIST SP 800-38A, F.2.5 / F.2.6 (CBC-AES256).
    private static readonly byte[] NistKey = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    private static readonly byte[] NistIv = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] NistPlaintext = Convert.FromHexString(
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
    private static readonly byte[] NistCiphertext = Convert.FromHexString(
        "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void Encrypts_the_FIPS_197_AES_256_example_block(string backend)
    {
        // FIPS-197 appendix C.3: with a zero IV, CBC's first block is the bare cipher.
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var ciphertext = new byte[32];

        AesCbc.Encrypt(key, new byte[16], Convert.FromHexString("00112233445566778899aabbccddeeff"), ciphertext, Backends.Aes(backend));

        Assert.Equal("8ea2b7ca516745bfeafc49904b496089", Convert.ToHexStringLower(ciphertext.AsSpan(0, 16)));
    }

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void Matches_NIST_SP_800_38A_CBC_AES256_then_adds_a_whole_padding_block(string backend)
    {
        var ciphertext = new byte[AesCbc.GetCiphertextLength(NistPlaintext.Length)];

        var written = AesCbc.Encrypt(NistKey, NistIv, NistPlaintext, ciphertext, Backends.Aes(backend));

        Assert.Equal(80, written);
        Assert.Equal(NistCiphertext, ciphertext[..64]);

        var plaintext = new byte[ciphertext.Length - 1];
        Assert.True(AesCbc.TryDecrypt(NistKey, NistIv, ciphertext, plaintext, out var length, Backends.Aes(backend)));
        Assert.Equal(NistPlaintext, plaintext[..length]);
    }

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void The_NIST_ciphertext_without_padding_decrypts_to_a_block_that_is_not_PKCS7(string backend)
    {
        // Its last plaintext block ends in 0x10 but the bytes before are not 0x10: a padding failure, as it must be.
        var plaintext = new byte[64];

        Assert.False(AesCbc.TryDecrypt(NistKey, NistIv, NistCiphertext, plaintext, out var length, Backends.Aes(backend)));
        Assert.Equal(0, length);
        Assert.All(plaintext, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void Ten_thousand_random_messages_match_dotnet_Aes_both_ways(string backend)
    {
        var random = new Random(0xAE5_CBC);
        using var aes = PlatformAes.Create();
        var key = new byte[32];
        var iv = new byte[16];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(key);
            random.NextBytes(iv);
            var message = new byte[random.Next(0, 301)];
            random.NextBytes(message);
            aes.Key = key;
            var expected = aes.EncryptCbc(message, iv, PaddingMode.PKCS7);

            var ciphertext = new byte[AesCbc.GetCiphertextLength(message.Length)];
            Assert.Equal(expected.Length, AesCbc.Encrypt(key, iv, message, ciphertext, Backends.Aes(backend)));
            Assert.Equal(expected, ciphertext);

            var plaintext = new byte[ciphertext.Length - 1];
            Assert.True(AesCbc.TryDecrypt(key, iv, ciphertext, plaintext, out var length, Backends.Aes(backend)));
            Assert.Equal(message, plaintext[..length]);
        }
    }

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void Random_ciphertexts_are_accepted_or_refused_exactly_as_dotnet_Aes_does_and_never_throw(string backend)
    {
        var random = new Random(0xBAD_CBC);
        using var aes = PlatformAes.Create();
        var key = new byte[32];
        var iv = new byte[16];
        var acceptedCount = 0;
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(key);
            random.NextBytes(iv);
            aes.Key = key;

            // Mostly whole blocks, whose padding is random (valid about 1 time in 256); some ragged lengths.
            var ciphertext = new byte[random.Next(4) == 0 ? random.Next(0, 100) : 16 * random.Next(1, 8)];
            random.NextBytes(ciphertext);
            var plaintext = new byte[Math.Max(0, ciphertext.Length - 1)];

            var accepted = AesCbc.TryDecrypt(key, iv, ciphertext, plaintext, out var length, Backends.Aes(backend));

            var reference = new byte[ciphertext.Length];
            var referenceAccepted = TryReference(aes, ciphertext, iv, reference, out var referenceLength);
            Assert.Equal(referenceAccepted, accepted);
            if (accepted)
            {
                acceptedCount++;
                Assert.Equal(reference[..referenceLength], plaintext[..length]);
            }
        }

        Assert.InRange(acceptedCount, 1, 200);

        static bool TryReference(PlatformAes aes, byte[] ciphertext, byte[] iv, byte[] output, out int length)
        {
            try
            {
                return aes.TryDecryptCbc(ciphertext, iv, output, out length, PaddingMode.PKCS7);
            }
            catch (CryptographicException)
            {
                length = 0;
                return false;
            }
        }
    }

    public static TheoryData<string, string> BadPadding => new()
    {
        // Final plaintext block (hex), per backend: a zero length, lengths over 16, a wrong byte inside the padding.
        { Backends.AesNi, "000102030405060708090a0b0c0d0e00" },
        { Backends.AesNi, "11111111111111111111111111111111" },
        { Backends.AesNi, "ffffffffffffffffffffffffffffffff" },
        { Backends.AesNi, "00010203040506070809040404030404" },
        { Backends.AesNi, "05101010101010101010101010101010" },
        { Backends.Platform, "000102030405060708090a0b0c0d0e00" },
        { Backends.Platform, "11111111111111111111111111111111" },
        { Backends.Platform, "ffffffffffffffffffffffffffffffff" },
        { Backends.Platform, "00010203040506070809040404030404" },
        { Backends.Platform, "05101010101010101010101010101010" },
    };

    [Theory]
    [MemberData(nameof(BadPadding))]
    public void Bad_padding_is_refused_with_false_and_nothing_written(string backend, string lastBlock)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var padded = new byte[48];
        RandomNumberGenerator.Fill(padded.AsSpan(0, 32));
        Convert.FromHexString(lastBlock).CopyTo(padded, 32);
        using var aes = PlatformAes.Create();
        aes.Key = key;
        var ciphertext = aes.EncryptCbc(padded, iv, PaddingMode.None);
        var plaintext = new byte[48];

        Assert.False(AesCbc.TryDecrypt(key, iv, ciphertext, plaintext, out var length, Backends.Aes(backend)));

        Assert.Equal(0, length);
        Assert.All(plaintext, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(Backends.AesNi, 0)]
    [InlineData(Backends.AesNi, 15)]
    [InlineData(Backends.AesNi, 17)]
    [InlineData(Backends.AesNi, 33)]
    [InlineData(Backends.Platform, 0)]
    [InlineData(Backends.Platform, 15)]
    [InlineData(Backends.Platform, 17)]
    [InlineData(Backends.Platform, 33)]
    public void Ciphertexts_that_are_not_whole_non_empty_blocks_are_refused(string backend, int length)
    {
        Assert.False(AesCbc.TryDecrypt(new byte[32], new byte[16], new byte[length], new byte[64], out var written, Backends.Aes(backend)));
        Assert.Equal(0, written);
    }

    [Fact]
    public void The_padding_check_accepts_exactly_PKCS7_for_every_length_byte_and_every_corrupted_position()
    {
        Span<byte> block = stackalloc byte[16];
        for (var padding = 0; padding < 256; padding++)
        {
            block.Fill(0xEE);
            block[^Math.Min(Math.Max(padding, 1), 16)..].Fill((byte)padding);
            var valid = padding is >= 1 and <= 16;

            Assert.Equal(valid ? padding : 0, AesCbc.CheckPadding(Vector128.Create((ReadOnlySpan<byte>)block)));
            if (!valid)
            {
                continue;
            }

            for (var position = 0; position < 16; position++)
            {
                var saved = block[position];
                block[position] ^= 0x01;
                var inPadding = position >= 16 - padding;
                var expected = inPadding ? 0 : padding;
                if (position == 15)
                {
                    // Changing the last byte changes the claimed length: valid only if the new length happens to fit.
                    expected = -1;
                }

                var result = AesCbc.CheckPadding(Vector128.Create((ReadOnlySpan<byte>)block));
                if (expected >= 0)
                {
                    Assert.Equal(expected, result);
                }
                else
                {
                    Assert.Equal(IsPkcs7(block) ? block[15] : 0, result);
                }

                block[position] = saved;
            }
        }

        static bool IsPkcs7(ReadOnlySpan<byte> block)
        {
            var padding = block[15];
            return padding is >= 1 and <= 16 && block[^padding..].IndexOfAnyExcept(padding) < 0;
        }
    }

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void Encrypts_and_decrypts_in_place(string backend)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        foreach (var size in new[] { 0, 1, 15, 16, 17, 63, 64, 65, 100, 200 })
        {
            var message = RandomNumberGenerator.GetBytes(size);
            var buffer = new byte[AesCbc.GetCiphertextLength(size)];
            message.CopyTo(buffer, 0);

            var written = AesCbc.Encrypt(key, iv, buffer.AsSpan(0, size), buffer, Backends.Aes(backend));
            Assert.Equal(PlatformEncrypt(key, iv, message), buffer[..written]);

            Assert.True(AesCbc.TryDecrypt(key, iv, buffer, buffer, out var length, Backends.Aes(backend)));
            Assert.Equal(message, buffer[..length]);
        }
    }

    [Fact]
    public void Buffers_that_overlap_other_than_exactly_are_refused()
    {
        var buffer = new byte[128];

        Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(new byte[32], new byte[16], buffer.AsSpan(0, 40), buffer.AsSpan(8)));
        Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(new byte[32], new byte[16], buffer.AsSpan(16, 48), buffer.AsSpan(0, 64), out _));
    }

    [Theory]
    [InlineData(31, 16)]
    [InlineData(33, 16)]
    [InlineData(32, 15)]
    [InlineData(32, 17)]
    public void Keys_and_IVs_of_the_wrong_length_are_refused(int keyLength, int ivLength)
    {
        var error = Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(new byte[keyLength], new byte[ivLength], new byte[10], new byte[16]));
        Assert.Equal(keyLength != 32 ? "key" : "iv", error.ParamName);

        Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(new byte[keyLength], new byte[ivLength], new byte[16], new byte[16], out _));
    }

    [Fact]
    public void A_ciphertext_span_too_short_for_the_padding_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(new byte[32], new byte[16], new byte[16], new byte[16]));

        Assert.Equal("ciphertext", error.ParamName);
    }

    [Theory]
    [InlineData(Backends.AesNi)]
    [InlineData(Backends.Platform)]
    public void A_plaintext_span_too_short_for_a_valid_message_throws_and_one_byte_short_of_the_ciphertext_suffices(string backend)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var ciphertext = PlatformEncrypt(key, iv, new byte[20]);

        var tooShort = new byte[19];
        var error = Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(key, iv, ciphertext, tooShort, out _, Backends.Aes(backend)));
        Assert.Equal("plaintext", error.ParamName);
        Assert.All(tooShort, b => Assert.Equal(0, b));

        Assert.True(AesCbc.TryDecrypt(key, iv, ciphertext, new byte[20], out var exact, Backends.Aes(backend)));
        Assert.True(AesCbc.TryDecrypt(key, iv, ciphertext, new byte[ciphertext.Length - 1], out var roomy, Backends.Aes(backend)));
        Assert.Equal(20, exact);
        Assert.Equal(20, roomy);
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(15, 16)]
    [InlineData(16, 32)]
    [InlineData(100, 112)]
    [InlineData(112, 128)]
    public void The_ciphertext_length_is_the_plaintext_rounded_up_past_the_next_block(int plaintext, int ciphertext)
    {
        Assert.Equal(ciphertext, AesCbc.GetCiphertextLength(plaintext));
    }

    [Fact]
    public void The_public_entry_points_use_AES_NI_on_this_machine_and_agree_with_dotnet()
    {
        Assert.Equal(AesCbcBackend.AesNi, AesCbc.DefaultBackend);
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var message = RandomNumberGenerator.GetBytes(100);
        var ciphertext = new byte[112];

        AesCbc.Encrypt(key, iv, message, ciphertext);
        Assert.Equal(PlatformEncrypt(key, iv, message), ciphertext);
        Assert.True(AesCbc.TryDecrypt(key, iv, ciphertext, ciphertext, out var length));
        Assert.Equal(message, ciphertext[..length]);
    }

    private static byte[] PlatformEncrypt(byte[] key, byte[] iv, byte[] message)
    {
        using var aes = PlatformAes.Create();
        aes.Key = key;
        return aes.EncryptCbc(message, iv, PaddingMode.PKCS7);
    }
}
