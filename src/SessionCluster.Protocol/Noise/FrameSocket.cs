using System.Buffers;
using System.IO.Pipelines;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// Length-prefixed frames over a duplex pipe, with the one-time connection intro. One reader and one
/// writer at a time: a returned frame stays valid until the next <see cref="ReadFrameAsync"/>.
/// </summary>
public sealed class FrameSocket : IAsyncDisposable
{
    private readonly IDuplexPipe _pipe;
    private readonly FrameSocketRole _role;
    private readonly FrameSocketOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _introDone;
    private bool _hasPendingFrame;
    private SequencePosition _pendingConsumed;
    private long _streamOffset;
    private long _pendingFrameLength;

    public FrameSocket(IDuplexPipe pipe, FrameSocketRole role, FrameSocketOptions? options = null)
    {
        _pipe = pipe;
        _role = role;
        _options = options ?? new FrameSocketOptions();
        _introDone = false;
    }

    /// <summary>The client's intro, on a server socket once the first frame has been read.</summary>
    public ConnectionIntro? Intro { get; private set; }

    public FrameSocketOptions Options => _options;

    /// <summary>
    /// The next frame's payload, or null when the peer closed the stream cleanly between frames.
    /// </summary>
    /// <exception cref="FrameFormatException">Bad intro, an oversized frame, or the stream ended inside a frame.</exception>
    public async ValueTask<ReadOnlySequence<byte>?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        var input = _pipe.Input;
        if (_hasPendingFrame)
        {
            input.AdvanceTo(_pendingConsumed);
            _streamOffset += FrameCodec.HeaderSize + _pendingFrameLength;
            _hasPendingFrame = false;
        }

        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (_role == FrameSocketRole.Server && !_introDone)
            {
                var before = buffer.Length;
                if (ConnectionIntro.TryRead(ref buffer, out var intro))
                {
                    Intro = intro;
                    _introDone = true;
                    _streamOffset += before - buffer.Length;
                }
            }

            if ((_introDone || _role == FrameSocketRole.Client)
                && FrameCodec.TryReadFrame(ref buffer, _options.MaxFrameSize, _streamOffset, out var frame))
            {
                _pendingConsumed = buffer.Start;
                _pendingFrameLength = frame.Length;
                _hasPendingFrame = true;
                return frame;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                input.AdvanceTo(buffer.End);
                if (leftover > 0)
                {
                    throw new FrameFormatException($"The stream ended inside a frame ({leftover} bytes left over)", _streamOffset);
                }

                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Writes one frame (and, first time on a client, the intro) and flushes.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        await WriteFrameAsync(payload.Length, payload, static (payload, destination) => payload.Span.CopyTo(destination), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes one frame whose <paramref name="payloadLength"/> bytes <paramref name="fill"/> produces
    /// straight into the pipe's memory (the Noise socket encrypts in place this way), then flushes.
    /// Writes are serialized so concurrent senders cannot interleave frames.
    /// </summary>
    public async ValueTask WriteFrameAsync<TState>(int payloadLength, TState state, Action<TState, Span<byte>> fill, CancellationToken cancellationToken = default)
    {
        if (payloadLength > _options.MaxFrameSize)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, $"A frame holds at most {_options.MaxFrameSize} bytes.");
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var output = _pipe.Output;
            if (_role == FrameSocketRole.Client && !_introDone)
            {
                output.Write(ConnectionIntro.Encode(_options.RoutingInfo.Span));
                _introDone = true;
            }

            var span = output.GetSpan(FrameCodec.HeaderSize + payloadLength);
            FrameCodec.WriteHeader(span, payloadLength);
            fill(state, span.Slice(FrameCodec.HeaderSize, payloadLength));
            output.Advance(FrameCodec.HeaderSize + payloadLength);
            var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new IOException("The connection was closed by the peer.");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Completes both directions of the pipe.</summary>
    public async ValueTask DisposeAsync()
    {
        await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}
