using System.Buffers;
using System.IO.Compression;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// Reads nodes in WhatsApp's binary-XML format, returning what Baileys' decoder returns (docs/PROTOCOL.md §4).
/// Any malformed input — truncated, oversized, unknown tag, bad zlib — throws <see cref="BinaryFormatException"/>
/// and nothing else, after bounded work: no length taken from the input is trusted before it is checked.
/// </summary>
public static class NodeDecoder
{
    /// <summary>Decodes a node body (no flag byte). The node must use every byte.</summary>
    /// <exception cref="BinaryFormatException">The body is malformed or over a limit; the offset is into <paramref name="body"/>.</exception>
    public static Node Decode(ReadOnlySpan<byte> body, DecoderLimits? limits = null)
    {
        limits ??= DecoderLimits.Default;
        CheckInputSize(body.Length, limits);
        return new NodeReader(body, limits, reportedOffset: 0).ReadRoot();
    }

    /// <summary>
    /// Decodes a decrypted frame: a flag byte, then the body, zlib-compressed (RFC 1950) when the flag has
    /// bit 0x02 set. Other flag bits are ignored, as both clients do.
    /// </summary>
    /// <exception cref="BinaryFormatException">
    /// The frame is malformed or over a limit. The offset is into <paramref name="plaintextFrame"/> for an
    /// uncompressed frame, and into the inflated body for a compressed one.
    /// </exception>
    public static Node DecodeFrame(ReadOnlySpan<byte> plaintextFrame, DecoderLimits? limits = null)
    {
        limits ??= DecoderLimits.Default;
        if (plaintextFrame.IsEmpty)
        {
            throw new BinaryFormatException("frame is empty: no flag byte", 0);
        }

        CheckInputSize(plaintextFrame.Length, limits);
        var body = plaintextFrame[1..];
        if ((plaintextFrame[0] & BinaryTag.CompressedFlag) == 0)
        {
            return new NodeReader(body, limits, reportedOffset: 1).ReadRoot();
        }

        var inflated = Inflate(body, limits, out var length);
        try
        {
            return new NodeReader(inflated.AsSpan(0, length), limits, reportedOffset: 0).ReadRoot();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    /// <summary>
    /// As <see cref="DecodeFrame(ReadOnlySpan{byte}, DecoderLimits?)"/>, but byte contents of the returned
    /// nodes are slices of <paramref name="plaintextFrame"/> rather than copies. Use it for a buffer that
    /// belongs to the caller and is never reused or returned to a pool while the nodes are alive — a freshly
    /// decrypted frame, as <c>NoiseSocket</c> produces. A compressed frame is inflated into a new buffer that
    /// the nodes share in the same way.
    /// </summary>
    public static Node DecodeOwnedFrame(ReadOnlyMemory<byte> plaintextFrame, DecoderLimits? limits = null)
    {
        limits ??= DecoderLimits.Default;
        var frame = plaintextFrame.Span;
        if (frame.IsEmpty)
        {
            throw new BinaryFormatException("frame is empty: no flag byte", 0);
        }

        CheckInputSize(frame.Length, limits);
        if ((frame[0] & BinaryTag.CompressedFlag) == 0)
        {
            return new NodeReader(plaintextFrame[1..], limits, reportedOffset: 1).ReadRoot();
        }

        var inflated = Inflate(frame[1..], limits, out var length);
        try
        {
            // The pooled buffer goes back to the pool, so the nodes get their own exact-size copy to share.
            ReadOnlyMemory<byte> body = inflated.AsSpan(0, length).ToArray();
            return new NodeReader(body, limits, reportedOffset: 0).ReadRoot();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    /// <summary>As <see cref="Decode(ReadOnlySpan{byte}, DecoderLimits?)"/>, for a body spread over segments.</summary>
    public static Node Decode(ReadOnlySequence<byte> body, DecoderLimits? limits = null)
    {
        if (body.IsSingleSegment)
        {
            return Decode(body.FirstSpan, limits);
        }

        limits ??= DecoderLimits.Default;
        CheckInputSize(body.Length, limits);
        var copy = Gather(body);
        try
        {
            return Decode(copy.AsSpan(0, (int)body.Length), limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>As <see cref="DecodeFrame(ReadOnlySpan{byte}, DecoderLimits?)"/>, for a frame spread over segments.</summary>
    public static Node DecodeFrame(ReadOnlySequence<byte> plaintextFrame, DecoderLimits? limits = null)
    {
        if (plaintextFrame.IsSingleSegment)
        {
            return DecodeFrame(plaintextFrame.FirstSpan, limits);
        }

        limits ??= DecoderLimits.Default;
        CheckInputSize(plaintextFrame.Length, limits);
        var copy = Gather(plaintextFrame);
        try
        {
            return DecodeFrame(copy.AsSpan(0, (int)plaintextFrame.Length), limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static void CheckInputSize(long length, DecoderLimits limits)
    {
        if (length > limits.MaxInputBytes)
        {
            throw new BinaryFormatException($"input of {length} bytes exceeds MaxInputBytes {limits.MaxInputBytes}", limits.MaxInputBytes);
        }
    }

    // Decoded nodes copy what they keep, so a pooled buffer may be returned as soon as decoding ends.
    private static byte[] Gather(ReadOnlySequence<byte> sequence)
    {
        var copy = ArrayPool<byte>.Shared.Rent((int)sequence.Length);
        sequence.CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// Inflates into a pooled buffer that grows by doubling but never past <see cref="DecoderLimits.MaxInflatedBytes"/>;
    /// once the buffer holds exactly that much, a one-byte probe read tells whether the body is larger. So a zlib
    /// bomb costs at most the limit, however far it would expand.
    /// </summary>
    private static byte[] Inflate(ReadOnlySpan<byte> compressed, DecoderLimits limits, out int length)
    {
        var cap = limits.MaxInflatedBytes;
        var source = ArrayPool<byte>.Shared.Rent(compressed.Length);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, Math.Max(4096L, compressed.Length * 4L)));
        length = 0;
        var inflated = false;
        Span<byte> probe = stackalloc byte[1];
        try
        {
            compressed.CopyTo(source);
            using var zlib = new ZLibStream(
                new MemoryStream(source, 0, compressed.Length, writable: false), CompressionMode.Decompress);
            while (true)
            {
                if (length == cap)
                {
                    if (zlib.Read(probe) > 0)
                    {
                        throw new BinaryFormatException($"compressed body inflates past MaxInflatedBytes {cap}", length);
                    }

                    break;
                }

                var window = Math.Min(buffer.Length, cap) - length;
                if (window == 0)
                {
                    var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, buffer.Length * 2L));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                    continue;
                }

                var read = zlib.Read(buffer, length, window);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            inflated = true;
            return buffer;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // Corrupt data is InvalidDataException; zlib's other refusals (a preset dictionary, say) are
            // ZLibException, an IOException. The source is a MemoryStream, so no IOException means real I/O.
            throw new BinaryFormatException("compressed body is not valid zlib data", 1, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(source);
            if (!inflated)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
