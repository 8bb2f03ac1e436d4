using System.Buffers;
using System.Runtime.CompilerServices;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// Writes into an <see cref="IBufferWriter{T}"/> a chunk at a time: it holds the span the writer handed out and
/// only calls <c>Advance</c>/<c>GetSpan</c> when that span is full, so small writes cost a bounds check.
/// </summary>
internal ref struct ByteSink
{
    // Asking for at least this much keeps writers that return exactly the hint from being called per byte.
    private const int MinChunk = 256;

    private readonly IBufferWriter<byte> _writer;
    private Span<byte> _span;
    private int _position;

    public ByteSink(IBufferWriter<byte> writer)
    {
        _writer = writer;
        _span = default;
        _position = 0;
    }

    /// <summary>A span of exactly <paramref name="count"/> bytes to fill; follow with <see cref="Advance"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Reserve(int count)
    {
        if (_span.Length - _position < count)
        {
            Renew(count);
        }

        return _span.Slice(_position, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count) => _position += count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_position >= _span.Length)
        {
            Renew(1);
        }

        _span[_position++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBytes(byte first, byte second)
    {
        var span = Reserve(2);
        span[1] = second;
        span[0] = first;
        _position += 2;
    }

    /// <summary>Copies <paramref name="data"/> in pieces, so large payloads never need one contiguous span.</summary>
    public void WriteBytes(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_position == _span.Length)
            {
                Renew(Math.Min(data.Length, 64 * 1024));
            }

            var count = Math.Min(data.Length, _span.Length - _position);
            data[..count].CopyTo(_span[_position..]);
            _position += count;
            data = data[count..];
        }
    }

    /// <summary>Commits everything written so far to the underlying writer.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _writer.Advance(_position);
        }

        _span = default;
        _position = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Renew(int count)
    {
        Flush();
        _span = _writer.GetSpan(Math.Max(count, MinChunk));
        if (_span.Length < count)
        {
            throw new InvalidOperationException($"The buffer writer returned {_span.Length} bytes after being asked for {count}.");
        }
    }
}
