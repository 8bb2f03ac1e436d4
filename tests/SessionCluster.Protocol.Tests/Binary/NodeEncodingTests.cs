using System.Buffers;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>Node layout: list sizes, content kinds, byte-length boundaries, and writing through any IBufferWriter.</summary>
public sealed class NodeEncodingTests
{
    private static string Encode(Node node)
    {
        var writer = new ArrayBufferWriter<byte>();
        NodeEncoder.Write(node, writer);
        return Hex.Of(writer.WrittenSpan);
    }

    [Fact]
    public void Writes_content_kinds_after_the_attributes()
    {
        Assert.Equal("f80119", Encode(new Node("iq")));
        Assert.Equal("f8021900", Encode(new Node("iq", null, Array.Empty<Node>()))); // empty list differs from none
        Assert.Equal("f8021956", Encode(new Node("iq", null, "ping"))); // token text
        Assert.Equal("f80219fc026869", Encode(new Node("iq", null, "hi"))); // raw text
        Assert.Equal("f80219fc00", Encode(new Node("iq", null, ReadOnlyMemory<byte>.Empty)));
        Assert.Equal("f80219f801f80156", Encode(new Node("iq", null, [new Node("ping")])));
    }

    [Fact]
    public void Keeps_attribute_insertion_order()
    {
        Assert.Equal("f805190804041b", Encode(new Node("iq", [("id", "type"), ("type", "ack")])));
        Assert.Equal("f805190408081b", Encode(new Node("iq", [("type", "id"), ("id", "ack")])));
    }

    [Theory]
    [InlineData(127, false, "f8ff")] // 2*127+1 = 255
    [InlineData(127, true, "f90100")] // 256
    [InlineData(128, false, "f90101")]
    public void Switches_to_LIST_16_at_256_entries(int attributeCount, bool withContent, string expectedStart)
    {
        var attributes = Enumerable.Range(0, attributeCount).Select(i => new NodeAttribute("k" + i, "v")).ToList();
        var node = withContent ? new Node("iq", attributes, "ping") : new Node("iq", attributes);
        var hex = Encode(node);
        Assert.StartsWith(expectedStart, hex, StringComparison.Ordinal);
        Assert.Equal(node, NodeDecoder.Decode(Hex.Bytes(hex)));
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "f801")]
    [InlineData(255, "f8ff")]
    [InlineData(256, "f90100")]
    [InlineData(65535, "f9ffff")]
    public void Writes_child_lists_of_every_size_class(int count, string expectedListStart)
    {
        var node = new Node("iq", null, Enumerable.Repeat(new Node("ping"), count).ToList());
        var hex = Encode(node);
        Assert.StartsWith("f80219" + expectedListStart, hex, StringComparison.Ordinal);
        Assert.Equal(node, NodeDecoder.Decode(Hex.Bytes(hex)));
    }

    [Theory]
    [InlineData(0, "fc00")]
    [InlineData(255, "fcff")]
    [InlineData(256, "fd000100")]
    [InlineData((1 << 20) - 1, "fd0fffff")]
    [InlineData(1 << 20, "fe00100000")]
    public void Writes_bytes_with_the_smallest_length_form(int length, string expectedHeader)
    {
        var bytes = new NodeGenerator(length).Bytes(length);
        var node = new Node("enc", null, bytes);
        var writer = new ArrayBufferWriter<byte>();
        NodeEncoder.Write(node, writer);
        Assert.Equal("f8021d" + expectedHeader, Hex.Of(writer.WrittenSpan[..(3 + (expectedHeader.Length / 2))]));
        Assert.Equal(3 + (expectedHeader.Length / 2) + length, writer.WrittenCount);
        Assert.True(writer.WrittenSpan[^length..].SequenceEqual(bytes));
        Assert.Equal(node, NodeDecoder.Decode(writer.WrittenSpan));
    }

    [Fact]
    public void Produces_the_same_bytes_through_a_writer_that_hands_out_tiny_spans()
    {
        var generator = new NodeGenerator(seed: 99);
        var children = new List<Node>
        {
            new("enc", null, generator.Bytes(100_000)),
            new("text", null, new string('x', 5000)),
        };
        for (var i = 0; i < 40; i++)
        {
            children.Add(generator.Next());
        }

        var big = new Node("message", [("id", "3EB0ABCDEF")], children);

        var tiny = new StingyBufferWriter();
        NodeEncoder.WriteFrame(big, tiny);
        Assert.Equal(Hex.Of(NodeEncoder.EncodeFrame(big)), Hex.Of(tiny.WrittenSpan));
        Assert.True(tiny.GetSpanCalls > 20, "the stingy writer should have been asked many times");
    }

    [Fact]
    public void Encoding_into_a_warm_writer_allocates_nothing()
    {
        var node = new Node("message", [("id", "3EB0ABCDEF0123456789AB"), ("to", "123456789012345@lid"), ("type", "text")], [
            new Node("participants", null, [
                new Node("to", [("jid", "123456789012345:3@lid")], [new Node("enc", [("v", "2"), ("type", "msg")], new byte[300])]),
                new Node("to", [("jid", "15551234567:2@s.whatsapp.net")], [new Node("enc", [("v", "2"), ("type", "pkmsg")], new byte[500])]),
            ]),
            new Node("meta", [("appdata", "héllo wörld")]),
        ]);
        var writer = new ArrayBufferWriter<byte>(4096);
        NodeEncoder.Write(node, writer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            writer.ResetWrittenCount();
            NodeEncoder.Write(node, writer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Round_trips_generated_nodes()
    {
        var generator = new NodeGenerator(seed: 20240601);
        for (var i = 0; i < 3000; i++)
        {
            var node = generator.Next();
            var frame = NodeEncoder.EncodeFrame(node);
            Assert.Equal(0, frame[0]);
            var decoded = NodeDecoder.DecodeFrame(frame);
            if (!node.Equals(decoded))
            {
                Assert.Fail($"node #{i} (seed 20240601) did not round-trip:\n{node}\n{decoded}");
            }

            Assert.Equal(node.GetHashCode(), decoded.GetHashCode());
        }
    }

    /// <summary>Hands out spans of exactly the size asked for, so every write boundary is exercised.</summary>
    private sealed class StingyBufferWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public int GetSpanCalls { get; private set; }

        public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint)[..Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            GetSpanCalls++;
            return _inner.GetSpan(sizeHint)[..Math.Max(sizeHint, 1)];
        }
    }
}
