using System.Buffers;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

public sealed class FrameCodecTests
{
    [Fact]
    public void Reads_back_to_back_frames_and_waits_for_partial_ones()
    {
        var stream = new byte[] { 0, 0, 2, 0xAA, 0xBB, 0, 0, 0, 0, 0, 3, 1, 2 };
        var buffer = new ReadOnlySequence<byte>(stream);

        Assert.True(FrameCodec.TryReadFrame(ref buffer, FrameCodec.MaxFrameSize, 0, out var first));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, first.ToArray());
        Assert.True(FrameCodec.TryReadFrame(ref buffer, FrameCodec.MaxFrameSize, 5, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.False(FrameCodec.TryReadFrame(ref buffer, FrameCodec.MaxFrameSize, 8, out _));
        Assert.Equal(5, buffer.Length);
    }

    [Fact]
    public void An_oversized_length_is_refused_from_the_header_alone()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x10, 0x00, 0x01 });

        var error = Assert.Throws<FrameFormatException>(() => FrameCodec.TryReadFrame(ref buffer, 1 << 20, 42, out _));
        Assert.Equal(42, error.Offset);
    }

    [Fact]
    public void The_header_is_three_bytes_big_endian()
    {
        var header = new byte[3];

        FrameCodec.WriteHeader(header, 0x0A0B0C);

        Assert.Equal(new byte[] { 0x0A, 0x0B, 0x0C }, header);
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameCodec.WriteHeader(header, 1 << 24));
    }

    [Fact]
    public void The_plain_connection_header_is_read()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x57, 0x41, 6, 3, 0, 0, 1, 9 });

        Assert.True(ConnectionIntro.TryRead(ref buffer, out var intro));
        Assert.True(intro!.RoutingInfo.IsEmpty);
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void The_edge_routing_prefix_is_read_and_round_trips()
    {
        var routing = new byte[] { 8, 1, 8, 2 };
        var encoded = ConnectionIntro.Encode(routing);
        Assert.Equal(Convert.FromHexString("45440001000004080108025741" + "0603"), encoded);

        var buffer = new ReadOnlySequence<byte>(encoded);
        Assert.True(ConnectionIntro.TryRead(ref buffer, out var intro));
        Assert.Equal(routing, intro!.RoutingInfo.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_partial_intro_waits_and_a_wrong_one_is_refused_at_once()
    {
        var partial = new ReadOnlySequence<byte>(new byte[] { 0x57, 0x41 });
        Assert.False(ConnectionIntro.TryRead(ref partial, out _));

        var http = new ReadOnlySequence<byte>("GET "u8.ToArray());
        Assert.Throws<FrameFormatException>(() => ConnectionIntro.TryRead(ref http, out _));

        var oldVersion = new ReadOnlySequence<byte>(new byte[] { 0x57, 0x41, 6, 2 });
        Assert.Contains("dictionary version 2", Assert.Throws<FrameFormatException>(() => ConnectionIntro.TryRead(ref oldVersion, out _)).Message);

        var hugeRouting = new ReadOnlySequence<byte>(new byte[] { 0x45, 0x44, 0, 1, 0xFF, 0xFF, 0xFF });
        Assert.Throws<FrameFormatException>(() => ConnectionIntro.TryRead(ref hugeRouting, out _));
    }
}
