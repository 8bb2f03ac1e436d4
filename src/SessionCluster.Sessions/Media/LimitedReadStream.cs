namespace SessionCluster.Sessions;

/// <summary>
/// Reads through to an inner stream and throws <paramref name="tooLong"/>'s exception at the first byte past
/// <paramref name="limit"/>, so a long file or an endless body is stopped while it is read, at the cost of the limit.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit, Func<Exception> tooLong) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("This stream is read-only and forward-only.");

    public override long Position { get => _read; set => throw new NotSupportedException("This stream is read-only and forward-only."); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        return _read > limit ? throw tooLong() : n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("This stream is read-only and forward-only.");

    public override void SetLength(long value) => throw new NotSupportedException("This stream is read-only and forward-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("This stream is read-only and forward-only.");
}
