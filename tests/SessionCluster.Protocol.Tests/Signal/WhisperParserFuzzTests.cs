using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// <see cref="WhisperMessage.Parse"/> reads the canonical layout without the protobuf runtime and hands
/// anything else to the generated parser; on every input both must agree (same fields, or the same failure).
/// </summary>
public sealed class WhisperParserFuzzTests
{
    [Fact]
    public void The_span_parser_agrees_with_the_generated_parser_on_mutated_messages()
    {
        var random = new Random(20261122);
        var keys = new byte[80];
        random.NextBytes(keys);
        var canonicalHits = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var ratchetKey = new byte[32];
            random.NextBytes(ratchetKey);
            ratchetKey[^1] &= 0x7F;
            var counter = RandomVarintValue(random);
            var previousCounter = RandomVarintValue(random);
            var message = WhisperMessage.Seal(ratchetKey, counter, previousCounter, keys, new byte[random.Next(0, 80)], new byte[32], new byte[32]);
            var mutated = Mutate(random, message);
            if (mutated.Length > 1 + WhisperMessage.MacSize
                && WhisperMessage.TryParseCanonical(mutated.AsMemory(1, mutated.Length - 1 - WhisperMessage.MacSize), out _, out _, out _, out _))
            {
                canonicalHits++;
            }

            AssertSameOutcome(mutated);
        }

        Assert.True(canonicalHits > 2_000, $"Only {canonicalHits} inputs took the span parser.");
    }

    [Theory]
    [InlineData("0a2105" + Key32 + "1005" + "1803" + "2200")]                        // canonical, empty ciphertext
    [InlineData("0a2105" + Key32 + "108080808000" + "1803" + "2200")]               // 5-byte varint counter: 0
    [InlineData("0a2105" + Key32 + "10ffffffff7f" + "1803" + "2200")]               // 5-byte varint, upper bits dropped
    [InlineData("0a2105" + Key32 + "10ffffffffff01" + "1803" + "2200")]             // 6-byte varint: general parser
    [InlineData("0a2105" + Key32 + "1005" + "2200")]                                 // no previous counter: defaults to 0
    [InlineData("0a2105" + Key32 + "1005" + "1803" + "2200" + "2801")]               // unknown field after
    [InlineData("0a2105" + Key32 + "1005" + "1803" + "2200" + "1007")]               // repeated counter, last wins
    [InlineData("1005" + "0a2105" + Key32 + "1803" + "2200")]                        // out of order
    [InlineData("0a2105" + Key32 + "1005" + "1803" + "2201")]                        // truncated ciphertext
    [InlineData("0a2105" + Key32 + "1005" + "1803")]                                 // no ciphertext
    [InlineData("0a2005" + Key32Short + "1005" + "1803" + "2200")]                   // 32-byte key field
    [InlineData("0a2106" + Key32 + "1005" + "1803" + "2200")]                        // wrong key type
    [InlineData("0a2105" + Key32High + "1005" + "1803" + "2200")]                    // non-canonical key (top bit)
    [InlineData("0a2105" + Key32 + "1005" + "1803" + "22ffffffff0f")]                // negative length
    public void Edge_cases_parse_as_the_generated_parser_does(string protoHex)
    {
        AssertSameOutcome([WhisperMessage.VersionByte, .. Convert.FromHexString(protoHex), .. new byte[WhisperMessage.MacSize]]);
    }

    private const string Key32 = "0102030405060708091011121314151617181920212223242526272829303132";
    private const string Key32Short = "01020304050607080910111213141516171819202122232425262728293031";
    private const string Key32High = "01020304050607080910111213141516171819202122232425262728293031ff";

    private static void AssertSameOutcome(byte[] message)
    {
        var expected = Outcome(() => WhisperMessage.ParseGeneral(message));
        var actual = Outcome(() => WhisperMessage.Parse(message));
        Assert.Equal(expected, actual);
    }

    private static string Outcome(Func<WhisperMessage> parse)
    {
        try
        {
            var parsed = parse();
            return $"ok {Convert.ToHexString(parsed.RatchetKey)} {parsed.Counter} {parsed.PreviousCounter} {Convert.ToHexString(parsed.Ciphertext.Span)}";
        }
        catch (SignalDecryptException e)
        {
            return $"error {e.Failure} {e.Message}";
        }
    }

    private static uint RandomVarintValue(Random random) => random.Next(5) switch
    {
        0 => (uint)random.Next(128),
        1 => (uint)random.Next(1 << 14),
        2 => (uint)random.Next(1 << 21),
        3 => (uint)random.Next(),
        _ => uint.MaxValue - (uint)random.Next(3),
    };

    private static byte[] Mutate(Random random, byte[] message)
    {
        var bytes = new List<byte>(message);
        var mutations = random.Next(0, 3);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(1, Math.Max(2, Math.Min(bytes.Count, 48)));
            switch (random.Next(4))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(Math.Min(at, bytes.Count), (byte)random.Next(256));
                    break;
                default:
                    bytes.InsertRange(bytes.Count - WhisperMessage.MacSize, [(byte)(random.Next(1, 8) << 3 | random.Next(6)), (byte)random.Next(128)]);
                    break;
            }
        }

        return [.. bytes];
    }
}
