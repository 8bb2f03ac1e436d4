using System.Security.Cryptography;
using System.Text;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class HmacSha256Tests
{
    // Test cases 6 and 7: a 131-byte key, longer than the block, hashed first.
    private static readonly string LongTestKey = string.Concat(Enumerable.Repeat("aa", 131));

    public static TheoryData<string, string, string, string> Rfc4231 => new()
    {
        { Backends.OpenSsl, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Hex("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        { Backends.OpenSsl, Hex("Jefe"), Hex("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        { Backends.OpenSsl, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new string('d', 100), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
        { Backends.OpenSsl, "0102030405060708090a0b0c0d0e0f10111213141516171819", string.Concat(Enumerable.Repeat("cd", 50)), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
        { Backends.OpenSsl, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", Hex("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b" },
        { Backends.OpenSsl, LongTestKey, Hex("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
        { Backends.OpenSsl, LongTestKey, Hex("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
        { Backends.Managed, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Hex("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        { Backends.Managed, Hex("Jefe"), Hex("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        { Backends.Managed, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new string('d', 100), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
        { Backends.Managed, "0102030405060708090a0b0c0d0e0f10111213141516171819", string.Concat(Enumerable.Repeat("cd", 50)), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
        { Backends.Managed, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", Hex("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b" },
        { Backends.Managed, LongTestKey, Hex("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
        { Backends.Managed, LongTestKey, Hex("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
    };

    [Theory]
    [MemberData(nameof(Rfc4231))]
    public void Matches_RFC_4231(string backend, string key, string data, string expected)
    {
        var mac = new byte[32];

        new HmacSha256Key(Convert.FromHexString(key), Backends.Sha256(backend)).Compute(Convert.FromHexString(data), mac);

        // Test case 5 gives only the first 128 bits.
        Assert.Equal(expected, Convert.ToHexStringLower(mac)[..expected.Length]);
    }

    [Theory]
    [MemberData(nameof(Rfc4231))]
    public void The_one_shot_matches_RFC_4231(string backend, string key, string data, string expected)
    {
        var mac = new byte[32];

        HmacSha256.Compute(Convert.FromHexString(key), Convert.FromHexString(data), mac, Backends.Sha256(backend));

        Assert.Equal(expected, Convert.ToHexStringLower(mac)[..expected.Length]);
    }

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void Ten_thousand_random_keys_and_messages_match_dotnet_HMACSHA256_in_every_overload(string backend)
    {
        var random = new Random(0x4_AC256);
        var mac = new byte[32];
        for (var i = 0; i < 10_000; i++)
        {
            // Keys of 0–100 bytes cross the 64-byte block size, above which a key is hashed first.
            var key = new byte[random.Next(0, 101)];
            var data = new byte[random.Next(0, 301)];
            random.NextBytes(key);
            random.NextBytes(data);
            var expected = HMACSHA256.HashData(key, data);
            var prepared = new HmacSha256Key(key, Backends.Sha256(backend));
            var cut1 = random.Next(0, data.Length + 1);
            var cut2 = random.Next(cut1, data.Length + 1);

            prepared.Compute(data, mac);
            Assert.Equal(expected, mac);
            prepared.Compute(data.AsSpan(0, cut1), data.AsSpan(cut1), mac);
            Assert.Equal(expected, mac);
            prepared.Compute(data.AsSpan(0, cut1), data.AsSpan(cut1, cut2 - cut1), data.AsSpan(cut2), mac);
            Assert.Equal(expected, mac);
            HmacSha256.Compute(key, data, mac, Backends.Sha256(backend));
            Assert.Equal(expected, mac);
        }
    }

    [Fact]
    public void The_public_entry_points_use_the_fast_backend_and_agree_with_dotnet()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var data = RandomNumberGenerator.GetBytes(100);
        var mac = new byte[32];

        new HmacSha256Key(key).Compute(data, mac);
        Assert.Equal(HMACSHA256.HashData(key, data), mac);

        HmacSha256.Compute(key, data, mac);
        Assert.Equal(HMACSHA256.HashData(key, data), mac);
    }

    [Fact]
    public void A_prepared_key_gives_the_same_MAC_every_time_and_from_every_thread()
    {
        var key = new HmacSha256Key(RandomNumberGenerator.GetBytes(32));
        var expected = new byte[32];
        key.Compute([0x01], expected);

        Parallel.For(0, 8, _ =>
        {
            var mac = new byte[32];
            for (var i = 0; i < 1000; i++)
            {
                key.Compute([0x01], mac);
                Assert.Equal(expected, mac);
            }
        });
    }

    [Fact]
    public void Empty_keys_all_zero_keys_up_to_the_block_size_and_empty_messages_work()
    {
        var mac = new byte[32];

        new HmacSha256Key([]).Compute([], mac);
        Assert.Equal(HMACSHA256.HashData([], []), mac);

        // HMAC pads short keys with zeros: every all-zero key of up to 64 bytes is the empty key.
        new HmacSha256Key(new byte[64]).Compute([], mac);
        Assert.Equal(HMACSHA256.HashData([], []), mac);
    }

    [Fact]
    public void The_MAC_may_be_written_over_the_message_and_into_a_longer_span()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var buffer = RandomNumberGenerator.GetBytes(40);
        var expected = HMACSHA256.HashData(key, buffer);

        new HmacSha256Key(key).Compute(buffer, buffer);

        Assert.Equal(expected, buffer[..32]);
    }

    [Fact]
    public void A_destination_shorter_than_32_bytes_is_refused_before_anything_is_written()
    {
        var destination = new byte[31];

        var error = Assert.Throws<ArgumentException>(() => new HmacSha256Key([1, 2, 3]).Compute([4], destination));

        Assert.Equal("destination", error.ParamName);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_default_key_is_not_a_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => default(HmacSha256Key).Compute([1], new byte[32]));

        Assert.Contains("new HmacSha256Key(key)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_never_shows_key_material()
    {
        var key = new HmacSha256Key(Enumerable.Repeat((byte)0xAB, 32).ToArray());

        Assert.Equal("HmacSha256Key", key.ToString());
    }

    private static string Hex(string ascii) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(ascii));

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void ComputePair_matches_two_separate_MACs_for_short_and_long_messages(string backend)
    {
        var random = new Random(0x9A1E);
        var first = new byte[32];
        var second = new byte[32];
        for (var i = 0; i < 2_000; i++)
        {
            var key = new byte[random.Next(0, 101)];
            var a = new byte[random.Next(0, 70)];
            var b = new byte[random.Next(0, 70)];
            random.NextBytes(key);
            random.NextBytes(a);
            random.NextBytes(b);
            new HmacSha256Key(key, Backends.Sha256(backend)).ComputePair(a, first, b, second);
            Assert.Equal(HMACSHA256.HashData(key, a), first);
            Assert.Equal(HMACSHA256.HashData(key, b), second);
        }
    }

    [Fact]
    public void ComputePair_reads_both_inputs_before_writing_either_output()
    {
        var key = new HmacSha256Key("chain"u8);
        var buffer = new byte[64];
        buffer[0] = 0x01;
        buffer[32] = 0x02;
        var expectedFirst = HMACSHA256.HashData("chain"u8, [0x02]);
        var expectedSecond = HMACSHA256.HashData("chain"u8, [0x01]);

        // The first output overwrites the second input and the other way round.
        key.ComputePair(buffer.AsSpan(32, 1), buffer.AsSpan(0, 32), buffer.AsSpan(0, 1), buffer.AsSpan(32, 32));

        Assert.Equal(expectedFirst, buffer[..32]);
        Assert.Equal(expectedSecond, buffer[32..]);
    }

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void A_MAC_begun_on_whole_blocks_and_finished_later_matches_the_one_shot_MAC(string backend)
    {
        var random = new Random(0x9A27);
        var mac = new byte[32];
        for (var i = 0; i < 2_000; i++)
        {
            var key = new byte[random.Next(0, 101)];
            var data = new byte[random.Next(0, 400)];
            random.NextBytes(key);
            random.NextBytes(data);
            var blocks = random.Next(0, (data.Length / 64) + 1) * 64;
            var cut = random.Next(blocks, data.Length + 1);
            var prepared = new HmacSha256Key(key, Backends.Sha256(backend));

            var context = prepared.BeginPartial(data.AsSpan(0, blocks));
            prepared.FinishPartial(ref context, blocks, data.AsSpan(blocks, cut - blocks), data.AsSpan(cut), mac);

            Assert.Equal(HMACSHA256.HashData(key, data), mac);
        }
    }
}
