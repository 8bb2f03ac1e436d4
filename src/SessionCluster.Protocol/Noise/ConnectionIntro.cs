using System.Buffers;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// What a client sends once, before its first frame: <c>WA 06 03</c>, optionally preceded by an
/// edge-routing block <c>ED 00 01 len(3) routing-info</c> (Baileys sends it when it has routing info).
/// Only the <c>WA</c> header enters the Noise prologue.
/// </summary>
public sealed record ConnectionIntro(ReadOnlyMemory<byte> RoutingInfo)
{
    /// <summary>Routing info is a few dozen bytes in practice; anything larger is refused before buffering it.</summary>
    public const int MaxRoutingInfoSize = 4096;

    private const int RoutingHeaderSize = 7;

    /// <summary>The bytes a client writes: optional routing block, then the connection header.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> routingInfo)
    {
        if (routingInfo.IsEmpty)
        {
            return NoiseProtocol.ConnectionHeader.ToArray();
        }

        if (routingInfo.Length > MaxRoutingInfoSize)
        {
            throw new ArgumentException($"Routing info is limited to {MaxRoutingInfoSize} bytes.", nameof(routingInfo));
        }

        var intro = new byte[RoutingHeaderSize + routingInfo.Length + NoiseProtocol.ConnectionHeader.Length];
        intro[0] = (byte)'E';
        intro[1] = (byte)'D';
        intro[2] = 0;
        intro[3] = 1;
        FrameCodec.WriteHeader(intro.AsSpan(4, 3), routingInfo.Length);
        routingInfo.CopyTo(intro.AsSpan(RoutingHeaderSize));
        NoiseProtocol.ConnectionHeader.CopyTo(intro.AsSpan(RoutingHeaderSize + routingInfo.Length));
        return intro;
    }

    /// <summary>
    /// Takes the intro off the front of the server's first bytes if it is all there.
    /// </summary>
    /// <exception cref="FrameFormatException">Not a WhatsApp client, an unsupported dictionary version, or oversized routing info.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out ConnectionIntro? intro)
    {
        intro = null;
        var reader = new SequenceReader<byte>(buffer);
        ReadOnlyMemory<byte> routingInfo = ReadOnlyMemory<byte>.Empty;
        if (!reader.TryPeek(out var first))
        {
            return false;
        }

        if (first == (byte)'E')
        {
            Span<byte> routingHeader = stackalloc byte[RoutingHeaderSize];
            if (!reader.TryCopyTo(routingHeader))
            {
                return false;
            }

            if (routingHeader[1] != (byte)'D' || routingHeader[2] != 0 || routingHeader[3] != 1)
            {
                throw new FrameFormatException("The edge-routing prefix is not 'ED 00 01'", 0);
            }

            var length = (routingHeader[4] << 16) | (routingHeader[5] << 8) | routingHeader[6];
            if (length > MaxRoutingInfoSize)
            {
                throw new FrameFormatException($"Routing info of {length} bytes exceeds {MaxRoutingInfoSize}", 4);
            }

            if (reader.Remaining < RoutingHeaderSize + length)
            {
                return false;
            }

            reader.Advance(RoutingHeaderSize);
            routingInfo = reader.UnreadSequence.Slice(0, length).ToArray();
            reader.Advance(length);
        }

        var headerOffset = reader.Consumed;
        Span<byte> header = stackalloc byte[4];
        if (!reader.TryCopyTo(header))
        {
            // A partial header that already disagrees is rejected now rather than waited on.
            var available = (int)Math.Min(reader.Remaining, 4);
            reader.UnreadSequence.Slice(0, available).CopyTo(header);
            if (!header[..available].SequenceEqual(NoiseProtocol.ConnectionHeader[..available]))
            {
                throw NotWhatsApp(header[..available], headerOffset);
            }

            return false;
        }

        if (!header.SequenceEqual(NoiseProtocol.ConnectionHeader))
        {
            throw NotWhatsApp(header, headerOffset);
        }

        reader.Advance(4);
        buffer = reader.UnreadSequence;
        intro = new ConnectionIntro(routingInfo);
        return true;
    }

    private static FrameFormatException NotWhatsApp(ReadOnlySpan<byte> header, long offset) =>
        header.Length >= 3 && header[0] == 'W' && header[1] == 'A' && header[2] == 6
            ? new FrameFormatException($"Unsupported dictionary version {(header.Length > 3 ? header[3] : -1)}; this server speaks version 3", offset)
            : new FrameFormatException($"The stream does not start with the WhatsApp connection header (got {Convert.ToHexString(header)})", offset);
}
