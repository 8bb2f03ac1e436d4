using System.Diagnostics;
using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>
/// Hostile input: whatever bytes arrive, the decoder throws <see cref="BinaryFormatException"/> or returns a node,
/// quickly, without allocating in proportion to a length it read. The seed is fixed so failures reproduce; set
/// SESSIONCLUSTER_FUZZ_SEED to explore others.
/// </summary>
public sealed class DecoderRobustnessTests
{
    private const int Iterations = 100_000;
    private const int DefaultSeed = 0x5EED;
    private static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(1);

    // Length fields at their most dangerous values, spliced into valid encodings.
    private static readonly byte[][] HugeLengths =
    [
        [0xFE, 0xFF, 0xFF, 0xFF, 0xFF], [0xFE, 0x7F, 0xFF, 0xFF, 0xFF], [0xFE, 0x00, 0x10, 0x00, 0x00],
        [0xFD, 0x0F, 0xFF, 0xFF], [0xFD, 0xFF, 0xFF, 0xFF], [0xFC, 0xFF], [0xF9, 0xFF, 0xFF], [0xF8, 0xFF],
        [0xFF, 0xFF], [0xFB, 0x7F], [0xFA, 0xFA, 0xFA, 0xFA], [0xF7, 0xFF, 0xFF], [0xF5, 0xFF, 0xFF, 0xFF, 0xFF],
    ];

    [Fact]
    public void Random_and_mutated_inputs_only_ever_throw_BinaryFormatException()
    {
        var seed = Environment.GetEnvironmentVariable("SESSIONCLUSTER_FUZZ_SEED") is { } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : DefaultSeed;
        var corpus = Corpus();
        var random = new Random(seed);
        var decoded = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = (i % 10) switch
            {
                0 => RandomBytes(random),
                _ => Mutate(corpus[random.Next(corpus.Count)], random),
            };

            var started = Stopwatch.GetTimestamp();
            decoded += Survives(input, frame: true, seed, i) + Survives(input, frame: false, seed, i);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > SlowInput)
            {
                Assert.Fail($"seed {seed}, iteration {i}: took {elapsed} on input {Hex.Of(input)}");
            }
        }

        // The mutations must leave some inputs valid, or the test would only be exercising the first bytes.
        Assert.True(decoded > Iterations / 100, $"only {decoded} of {2 * Iterations} inputs decoded");
    }

    [Theory]
    [InlineData("f80219feffffffff")] // BINARY_32 content of 4 GiB - 1
    [InlineData("f8031908feffffffff")] // ... as an attribute value
    [InlineData("f80219fe7fffffff")]
    [InlineData("f80219f9ffff")] // LIST_16 of 65535 children and no bytes
    [InlineData("f9ffff19")] // list size 65535: 32767 attributes and no bytes
    [InlineData("f80219ff7f")] // packed string of 127 bytes and no bytes
    public void Huge_length_fields_fail_fast_without_allocating(string hex)
    {
        var input = Hex.Bytes(hex);
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(input)); // warm up: JIT, token tables

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(input));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }

    [Fact]
    public void A_zlib_bomb_stops_at_MaxInflatedBytes_without_allocating_past_it()
    {
        // A valid node when fully inflated (64 MiB of content), so only the limit stops it.
        var bomb = Bomb(64 * 1024 * 1024);
        Assert.True(bomb.Length < 128 * 1024, $"bomb is {bomb.Length} bytes");
        var limits = DecoderLimits.Default with { MaxInflatedBytes = 256 * 1024 };
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(bomb, limits)); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(bomb, limits));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
        Assert.Contains("MaxInflatedBytes", error.Message, StringComparison.Ordinal);

        // With the default 16 MiB limit the cost is bounded by the limit (doubling buffers), not by the 64 MiB bomb.
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(bomb));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 40L * 1024 * 1024);
    }

    private static int Survives(byte[] input, bool frame, int seed, int iteration)
    {
        try
        {
            var node = frame ? NodeDecoder.DecodeFrame(input) : NodeDecoder.Decode(input);
            // Whatever decodes must be encodable again, and the zero-copy path must read the same node.
            _ = NodeEncoder.EncodeFrame(node);
            if (frame && node != NodeDecoder.DecodeOwnedFrame(input.ToArray()))
            {
                Assert.Fail($"seed {seed}, iteration {iteration}: DecodeOwnedFrame read another node from {Hex.Of(input)}");
            }

            return 1;
        }
        catch (BinaryFormatException e) when (e.Offset >= 0)
        {
            if (frame)
            {
                Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeOwnedFrame(input.ToArray()));
            }

            return 0;
        }
        catch (Exception e)
        {
            Assert.Fail($"seed {seed}, iteration {iteration}, {(frame ? "DecodeFrame" : "Decode")} threw {e.GetType()} on input {Hex.Of(input)}:\n{e}");
            return 0;
        }
    }

    private static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]>();
        foreach (var vector in GoldenVectorTests.Vectors)
        {
            corpus.Add(Hex.Bytes((string)vector[1]));
        }

        var generator = new NodeGenerator(seed: 1);
        for (var i = 0; i < 60; i++)
        {
            var frame = NodeEncoder.EncodeFrame(generator.Next(maxDepth: 3));
            corpus.Add(frame);
            if (i % 4 == 0)
            {
                corpus.Add(NodeDecoderTests.Compressed(0x02, frame.AsSpan(1)));
            }
        }

        return corpus;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        if (bytes.Length > 1 && random.Next(2) == 0)
        {
            bytes[0] = 0; // mostly uncompressed frames, so decoding gets past the flag
            bytes[1] = (byte)(0xF8 + random.Next(2));
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    for (var k = random.Next(1, 9); k > 0; k--)
                    {
                        bytes.Insert(at, (byte)random.Next(256));
                    }

                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(at, random.Next(1, Math.Min(16, bytes.Count - at) + 1));
                    break;
                case 5:
                    bytes.InsertRange(at, HugeLengths[random.Next(HugeLengths.Length)]);
                    break;
                case 6 when bytes.Count > at + 1:
                    var length = random.Next(1, Math.Min(32, bytes.Count - at));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 7 when bytes.Count > 0:
                    bytes[0] = (byte)random.Next(4); // flip between plain and compressed flags
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Bomb(int contentLength)
    {
        var output = new MemoryStream();
        output.WriteByte(0x02);
        using (var zlib = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            // <enc> with BINARY_32 content: F8 02 1D FE len32, then zeros.
            zlib.Write([0xF8, 0x02, 0x1D, 0xFE, (byte)(contentLength >> 24), (byte)(contentLength >> 16), (byte)(contentLength >> 8), (byte)contentLength]);
            var zeros = new byte[1024 * 1024];
            for (var written = 0; written < contentLength; written += zeros.Length)
            {
                zlib.Write(zeros, 0, Math.Min(zeros.Length, contentLength - written));
            }
        }

        return output.ToArray();
    }
}
