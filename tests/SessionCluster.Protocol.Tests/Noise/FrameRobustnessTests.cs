using System.Buffers;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

/// <summary>
/// Random and mutated byte streams into the intro and frame parsers: only <see cref="FrameFormatException"/>
/// may escape, parsing always terminates, and no length from the input drives an allocation.
/// </summary>
public sealed class FrameRobustnessTests
{
    private const int Seed = 1122;
    private const int Inputs = 100_000;

    [Fact]
    public void A_hundred_thousand_random_and_mutated_streams_only_raise_frame_errors()
    {
        var random = new Random(Seed);
        var valid = ValidStream(random);
        var outcomes = new int[2];
        for (var i = 0; i < Inputs; i++)
        {
            var input = i % 2 == 0 ? Mutate(valid, random) : RandomBytes(random);
            try
            {
                ParseAll(input, maxFrameSize: 1 << 16);
                outcomes[0]++;
            }
            catch (FrameFormatException)
            {
                outcomes[1]++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} (seed {Seed}) {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}… raised {e}");
            }
        }

        // Both outcomes must actually occur, or the generator is not exercising the parser.
        Assert.True(outcomes[0] > 1000 && outcomes[1] > 1000, $"parsed {outcomes[0]}, refused {outcomes[1]}");
    }

    [Fact]
    public void A_maximal_declared_length_allocates_nothing_for_it()
    {
        var input = new byte[] { 0x57, 0x41, 6, 3, 0xFF, 0xFF, 0xFF, 1, 2, 3 };
        ParseAll(input, FrameCodec.MaxFrameSize); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        ParseAll(input, FrameCodec.MaxFrameSize);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4096, $"allocated {allocated} bytes");
    }

    // Reads the intro then as many whole frames as the input holds; a partial tail just waits.
    private static void ParseAll(byte[] input, int maxFrameSize)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        if (!ConnectionIntro.TryRead(ref buffer, out _))
        {
            return;
        }

        var offset = input.Length - buffer.Length;
        while (FrameCodec.TryReadFrame(ref buffer, maxFrameSize, offset, out _))
        {
            offset = input.Length - buffer.Length;
        }
    }

    private static byte[] ValidStream(Random random)
    {
        var bytes = new List<byte>(ConnectionIntro.Encode([9, 9, 9]));
        for (var i = 0; i < 8; i++)
        {
            var length = random.Next(0, 200);
            bytes.AddRange(new byte[] { 0, (byte)(length >> 8), (byte)length });
            var payload = new byte[length];
            random.NextBytes(payload);
            bytes.AddRange(payload);
        }

        return bytes.ToArray();
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        if (bytes.Length > 4 && random.Next(2) == 0)
        {
            // Half the random inputs get a valid header so the frame parser itself is reached.
            NoiseProtocol.ConnectionHeader.CopyTo(bytes);
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    bytes[at] = 0xFF;
                    break;
            }
        }

        return bytes.ToArray();
    }
}
