using System.Buffers;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// WhatsApp's framing: a 3-byte big-endian length, then that many bytes. Frames may arrive split
/// across or packed into WebSocket messages, so parsing works on a growing byte sequence.
/// </summary>
public static class FrameCodec
{
    public const int HeaderSize = 3;

    /// <summary>The largest length three bytes can express (16 MiB − 1), whatsmeow's limit too.</summary>
    public const int MaxFrameSize = (1 << 24) - 1;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/> if it is all there. The declared
    /// length is checked against <paramref name="maxFrameSize"/> before anything is buffered for it.
    /// </summary>
    /// <param name="streamOffset">Where <paramref name="buffer"/> starts in the connection's stream, for error messages.</param>
    /// <exception cref="FrameFormatException">The declared length exceeds the limit.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, long streamOffset, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        if (length > maxFrameSize)
        {
            throw new FrameFormatException($"A frame declares {length} bytes, over the {maxFrameSize}-byte limit", streamOffset);
        }

        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }

        frame = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>Writes the 3-byte length prefix for a payload of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, int length)
    {
        if ((uint)length > MaxFrameSize)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A frame holds at most {MaxFrameSize} bytes.");
        }

        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
    }
}
