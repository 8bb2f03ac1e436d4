using System.Runtime.InteropServices;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

public sealed class OwnedFrameDecodingTests
{
    [Fact]
    public void Byte_contents_are_slices_of_the_callers_buffer_not_copies()
    {
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var frame = NodeEncoder.EncodeFrame(new Node("message", [("id", "1")], [new Node("enc", [("type", "msg")], payload)]));

        var node = NodeDecoder.DecodeOwnedFrame(frame);

        var bytes = node.GetChild("enc").Bytes;
        Assert.True(MemoryMarshal.TryGetArray(bytes, out var segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(payload, bytes.ToArray());
    }

    [Fact]
    public void It_reads_what_DecodeFrame_reads_for_generated_nodes_and_compressed_frames()
    {
        var generator = new NodeGenerator(seed: 7);
        for (var i = 0; i < 500; i++)
        {
            var frame = NodeEncoder.EncodeFrame(generator.Next(maxDepth: 4));
            var expected = NodeDecoder.DecodeFrame(frame);

            Assert.Equal(expected, NodeDecoder.DecodeOwnedFrame(frame));
            Assert.Equal(expected, NodeDecoder.DecodeOwnedFrame(NodeDecoderTests.Compressed(0x02, frame.AsSpan(1))));
        }
    }

    [Fact]
    public void Malformed_frames_are_refused_with_the_same_typed_error()
    {
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeOwnedFrame(Array.Empty<byte>()));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeOwnedFrame(new byte[] { 0, 0xF8, 0x02, 0x19, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF }));
        Assert.Throws<BinaryFormatException>(() => NodeDecoder.DecodeOwnedFrame(new byte[] { 2, 1, 2, 3 }));
    }
}
