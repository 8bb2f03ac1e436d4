using System.Buffers;
using System.IO.Compression;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>What the decoder returns for each form, and the error (with its offset) for each kind of bad input.</summary>
public sealed class NodeDecoderTests
{
    private static Node Decode(string hex, DecoderLimits? limits = null) => NodeDecoder.Decode(Hex.Bytes(hex), limits);

    private static BinaryFormatException Rejects(string hex, DecoderLimits? limits = null) =>
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(Hex.Bytes(hex), limits));

    [Theory]
    [InlineData("f70501ff82123f", "123_5:1@s.whatsapp.net")] // agent kept (Baileys drops it)
    [InlineData("f70500ff82123f", "123_5@s.whatsapp.net")]
    [InlineData("f7c800ff82123f", "123_200@s.whatsapp.net")]
    [InlineData("f70000ff82123f", "123@s.whatsapp.net")] // device 0 left out
    [InlineData("f78000ff82123f", "123@hosted")]
    [InlineData("f78102ff82123f", "123:2@hosted.lid")]
    [InlineData("f7000300", ":3@s.whatsapp.net")] // empty user, as Baileys' jidEncode prints it
    [InlineData("f6ff82123f0000cc", "123:0@msgr")] // FB_JID always prints its device
    [InlineData("f6ff82123f0005fc0161", "123:5@a")] // any server, as Baileys
    [InlineData("f5ff82123f00030007fc07696e7465726f70", "7-123:3@interop")]
    [InlineData("fa0003", "@s.whatsapp.net")]
    [InlineData("fafc0161fafc0162fc0163", "a@b@c")] // Baileys writes "a@b@c" as nested pairs
    [InlineData("fafc00fc0163", "@c")] // an empty raw user, like LIST_EMPTY
    [InlineData("00", "")] // LIST_EMPTY as a string
    [InlineData("ff80", "")] // odd flag on zero bytes: Baileys slices "" to ""
    [InlineData("ff02f123", "\0123")] // a pad nibble before the end reads as '\0', as both clients do
    [InlineData("fb81af", "A")] // the dropped last hex character may be anything
    [InlineData("fb01af", "AF")]
    [InlineData("fdf00003616263", "abc")] // the top nibble of a BINARY_20 length is ignored
    [InlineData("fe00000003616263", "abc")]
    [InlineData("fc02c328", "\uFFFD(")] // invalid UTF-8 becomes U+FFFD, as Buffer.toString does
    [InlineData("fc03eda080", "\uFFFD\uFFFD\uFFFD")] // an encoded surrogate is invalid UTF-8: one U+FFFD per byte, as Node
    public void Reads_attribute_values_as_Baileys_does(string valueHex, string expected)
    {
        Assert.Equal(expected, StringEncodingTests.DecodeValue(valueHex));
    }

    [Fact]
    public void Reads_content_as_text_bytes_or_children()
    {
        Assert.Equal(new Node("iq", null, "ping"), Decode("f8021956"));
        Assert.Equal(new Node("iq", null, "123"), Decode("f80219ff82123f"));
        Assert.Equal(new Node("iq", null, "123@lid"), Decode("f80219faff82123f76"));
        Assert.Equal(new Node("iq", null, "123:2@s.whatsapp.net"), Decode("f80219f70002ff82123f"));
        // Raw strings in content come back as bytes, in both clients.
        Assert.Equal(new Node("iq", null, "hi"u8.ToArray()), Decode("f80219fc026869"));
        Assert.Equal(new Node("iq", null, Array.Empty<Node>()), Decode("f8021900"));
        Assert.Equal(NodeContentKind.None, Decode("f80119").ContentKind);
    }

    [Theory]
    [InlineData("", 0)] // nothing at all
    [InlineData("00", 0)] // list size 0
    [InlineData("f800", 0)]
    [InlineData("f801", 2)] // ends before the tag
    [InlineData("f80100", 0)] // tag "" (LIST_EMPTY)
    [InlineData("f801fc00", 0)] // tag "" (raw)
    [InlineData("f801f8", 2)] // LIST_8 is not a string
    [InlineData("f801f0", 2)] // 240..244 are unused
    [InlineData("f801f4", 2)]
    [InlineData("19", 0)] // a string where a list belongs
    [InlineData("f8011956", 3)] // left-over byte
    [InlineData("f80119f80119", 3)]
    [InlineData("f802190100", 4)] // token content is fine; the byte after it is left over
    [InlineData("f8031908", 3)] // attribute without value: 1 byte cannot hold key and value
    [InlineData("f805190819081a", 0)] // attribute "id" twice
    [InlineData("f80119fc", 3)] // no content expected: the byte is left over
    [InlineData("f80219fc05616263", 3)] // BINARY_8 longer than the input
    [InlineData("f80219fd0fffff", 3)]
    [InlineData("f80219feffffffff", 3)]
    [InlineData("f80219fe7fffffff", 3)]
    [InlineData("f80219ff05123456", 3)] // packed longer than the input
    [InlineData("f80219ff01c1", 5)] // nibble 12
    [InlineData("f80219ff011e", 5)] // nibble 14
    [InlineData("f80219ec", 4)] // dictionary index missing
    [InlineData("f80219f801", 3)] // one child announced, no bytes for it
    [InlineData("f80219f90100", 3)] // 256 children cannot fit
    [InlineData("f80219f80119", 3)] // a child that is a string
    [InlineData("f80219fa0000", 3)] // JID pair without server
    [InlineData("f80219f6ff82123f0000fc00", 3)] // FB JID without server
    [InlineData("f80219f5ff82123f00030007", 12)] // interop JID without server (Baileys would assume "interop")
    [InlineData("f80219f70102", 6)] // AD JID without user
    public void Rejects_malformed_bodies_with_the_offset_of_the_problem(string hex, long offset)
    {
        Assert.Equal(offset, Rejects(hex).Offset);
    }

    [Fact]
    public void Rejects_every_truncation_of_a_valid_encoding()
    {
        var generator = new NodeGenerator(seed: 7);
        for (var n = 0; n < 50; n++)
        {
            var frame = NodeEncoder.EncodeFrame(generator.Next());
            for (var length = 0; length < frame.Length - 1; length++)
            {
                var cut = frame.AsSpan(1, length).ToArray();
                Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(cut));
            }
        }
    }

    [Fact]
    public void Offsets_of_frame_errors_count_the_flag_byte()
    {
        var error = Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(Hex.Bytes("00f8011956")));
        Assert.Equal(4, error.Offset);
        Assert.Contains("(at byte 4)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame([])).Offset);
    }

    [Fact]
    public void Enforces_MaxDepth_for_nodes_and_nested_jids()
    {
        static Node Nest(int levels) => levels == 1 ? new Node("ping") : new Node("iq", null, [Nest(levels - 1)]);

        var limits = DecoderLimits.Default;
        Assert.Equal(64, limits.MaxDepth);
        Assert.Equal(Nest(64), NodeDecoder.DecodeFrame(NodeEncoder.EncodeFrame(Nest(64))));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(NodeEncoder.EncodeFrame(Nest(65))));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(NodeEncoder.EncodeFrame(Nest(5)), limits with { MaxDepth = 4 }));

        // JID pairs nested in JID pairs: "a@a@...@a@c". Depth 1 (the node) + 3 pairs is within 4, 5 pairs is not.
        static string Pairs(int count) => string.Concat(Enumerable.Repeat("fafc0161", count)) + "fc0163";
        Assert.Equal("a@a@a@c", Decode("f8031908" + Pairs(3), limits with { MaxDepth = 4 }).GetString("id"));
        Assert.Throws<BinaryFormatException>(() => Decode("f8031908" + Pairs(5), limits with { MaxDepth = 4 }));
    }

    [Fact]
    public void Enforces_MaxListSize_and_MaxInputBytes()
    {
        var node = new Node("iq", null, Enumerable.Repeat(new Node("ping"), 11).ToList());
        var body = NodeEncoder.EncodeFrame(node)[1..];
        Assert.Equal(node, NodeDecoder.Decode(body, DecoderLimits.Default with { MaxListSize = 11 }));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(body, DecoderLimits.Default with { MaxListSize = 10 }));

        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(body, DecoderLimits.Default with { MaxInputBytes = body.Length - 1 }));
        Assert.Equal(node, NodeDecoder.Decode(body, DecoderLimits.Default with { MaxInputBytes = body.Length }));
        var frame = NodeEncoder.EncodeFrame(node);
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(frame, DecoderLimits.Default with { MaxInputBytes = frame.Length - 1 }));
    }

    [Fact]
    public void DecoderLimits_refuse_values_that_would_disable_them()
    {
        Assert.Equal(16 * 1024 * 1024, DecoderLimits.Default.MaxInputBytes);
        Assert.Equal(16 * 1024 * 1024, DecoderLimits.Default.MaxInflatedBytes);
        Assert.Equal(65535, DecoderLimits.Default.MaxListSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderLimits { MaxInputBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderLimits { MaxInflatedBytes = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderLimits { MaxDepth = DecoderLimits.DepthCeiling + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderLimits { MaxListSize = 65536 });
    }

    [Fact]
    public void Inflates_compressed_frames()
    {
        var node = new NodeGenerator(seed: 3).Next();
        var body = NodeEncoder.EncodeFrame(node)[1..];
        Assert.Equal(node, NodeDecoder.DecodeFrame(Compressed(0x02, body)));
        Assert.Equal(node, NodeDecoder.DecodeFrame(Compressed(0x03, body))); // other flag bits are ignored
        var plain = new byte[body.Length + 1];
        body.CopyTo(plain, 1);
        plain[0] = 0x01;
        Assert.Equal(node, NodeDecoder.DecodeFrame(plain)); // bit 0x02 clear: not compressed
    }

    [Fact]
    public void Rejects_bad_zlib_and_leftovers_inside_the_inflated_body()
    {
        var notZlib = Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(Hex.Bytes("02f80119")));
        Assert.IsType<InvalidDataException>(notZlib.InnerException);

        // A zlib header asking for a preset dictionary: zlib refuses with ZLibException (an IOException).
        var presetDictionary = Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(Hex.Bytes("0278bb00000001f80119")));
        Assert.IsAssignableFrom<IOException>(presetDictionary.InnerException);

        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame([0x02]));
        var withLeftover = Compressed(0x02, Hex.Bytes("f8011956"));
        Assert.Equal(3, Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(withLeftover)).Offset);
    }

    [Fact]
    public void Caps_inflation_at_MaxInflatedBytes()
    {
        var node = new Node("enc", null, new byte[10_000]);
        var frame = Compressed(0x02, NodeEncoder.EncodeFrame(node)[1..]);
        var exact = NodeEncoder.EncodeFrame(node).Length - 1;
        Assert.Equal(node, NodeDecoder.DecodeFrame(frame, DecoderLimits.Default with { MaxInflatedBytes = exact }));
        var error = Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeFrame(frame, DecoderLimits.Default with { MaxInflatedBytes = exact - 1 }));
        Assert.Contains("MaxInflatedBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_sequences_of_several_segments_like_spans()
    {
        var generator = new NodeGenerator(seed: 11);
        for (var i = 0; i < 50; i++)
        {
            var node = generator.Next();
            var frame = NodeEncoder.EncodeFrame(node);
            Assert.Equal(node, NodeDecoder.DecodeFrame(Segmented(frame, 7)));
            Assert.Equal(node, NodeDecoder.Decode(Segmented(frame[1..], 5)));
            Assert.Equal(node, NodeDecoder.DecodeFrame(new ReadOnlySequence<byte>(frame)));
        }

        var compressed = Compressed(0x02, NodeEncoder.EncodeFrame(new Node("iq", null, "ping"))[1..]);
        Assert.Equal(new Node("iq", null, "ping"), NodeDecoder.DecodeFrame(Segmented(compressed, 3)));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(Segmented(Hex.Bytes("f8011956"), 1)));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.Decode(Segmented(new byte[100], 10), DecoderLimits.Default with { MaxInputBytes = 99 }));
    }

    internal static byte[] Compressed(byte flag, ReadOnlySpan<byte> body)
    {
        var output = new MemoryStream();
        output.WriteByte(flag);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(body);
        }

        return output.ToArray();
    }

    internal static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < data.Length; offset += segmentSize)
        {
            var piece = data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset));
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
