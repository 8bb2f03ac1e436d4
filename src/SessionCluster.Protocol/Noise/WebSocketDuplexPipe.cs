using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// Presents a WebSocket as a byte-stream duplex pipe: binary messages received are appended to
/// <see cref="Input"/> (frames may straddle messages), and each flush of <see cref="Output"/> goes out
/// as one binary message. Both pumps run until either side closes. While no data arrives the receive pump holds no buffer
/// (it waits with a zero-byte receive), so thousands of idle connections cost no read buffers.
/// </summary>
public sealed class WebSocketDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly Pipe _inbound;
    private readonly Pipe _outbound;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly Task _sending;

    /// <param name="socket">An open WebSocket (client or server side).</param>
    /// <param name="maxFrameSize">
    /// The largest frame the reader will wait for. The inbound pipe must be able to hold a whole frame
    /// unconsumed, or a reader waiting for the rest of a large frame would stall the writer forever.
    /// </param>
    public WebSocketDuplexPipe(WebSocket socket, int maxFrameSize = FrameCodec.MaxFrameSize)
    {
        _socket = socket;
        long threshold = maxFrameSize + FrameCodec.HeaderSize + (64 * 1024);
        _inbound = new Pipe(new PipeOptions(pauseWriterThreshold: threshold, resumeWriterThreshold: threshold / 2, useSynchronizationContext: false));
        _outbound = new Pipe(new PipeOptions(useSynchronizationContext: false));
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    public PipeReader Input => _inbound.Reader;

    public PipeWriter Output => _outbound.Writer;

    /// <summary>Completes when both pumps have stopped.</summary>
    public Task Completion => Task.WhenAll(_receiving, _sending);

    public async ValueTask DisposeAsync()
    {
        await _outbound.Writer.CompleteAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancellation is how DisposeAsync stops the pumps; the pumps already completed their pipes.
        }

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _inbound.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                // Wait for data with no buffer: an idle connection (most of them, most of the time) then holds no pipe
                // segment, and the layers below (ManagedWebSocket, the HTTP connection stream, SslStream) pass the
                // zero-byte read down instead of renting their own read buffers. The segment is taken once bytes are there.
                var ready = await _socket.ReceiveAsync(Memory<byte>.Empty, _stop.Token).ConfigureAwait(false);
                if (!IsBinary(ready))
                {
                    break;
                }

                // Whatever the current segment has left (a new one only when it is full): a backlog of small messages
                // waiting to be read then fills segments instead of holding one large buffer each. Asking for 16 KiB here
                // took a fresh segment per message, about 1 GB for a 40,000-message burst to 200 sessions.
                var memory = writer.GetMemory();
                var received = await _socket.ReceiveAsync(memory, _stop.Token).ConfigureAwait(false);
                if (!IsBinary(received))
                {
                    break;
                }

                writer.Advance(received.Count);
                var flush = await writer.FlushAsync(_stop.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: end of stream for the reader.
        }
        catch (Exception e) when (e is WebSocketException or FrameFormatException or IOException)
        {
            failure = e;
        }

        await writer.CompleteAsync(failure).ConfigureAwait(false);
    }

    /// <summary>True for binary data, false for the peer's close; text is not WhatsApp's and fails the stream.</summary>
    private static bool IsBinary(ValueWebSocketReceiveResult received) => received.MessageType switch
    {
        WebSocketMessageType.Binary => true,
        WebSocketMessageType.Close => false,
        _ => throw new FrameFormatException("WhatsApp traffic is binary; a text WebSocket message arrived", -1),
    };

    private async Task SendLoopAsync()
    {
        var reader = _outbound.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                await SendMessageAsync(buffer).ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            failure = e;
        }

        await reader.CompleteAsync(failure).ConfigureAwait(false);
    }

    private async Task SendMessageAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, WebSocketMessageType.Binary, endOfMessage: true, _stop.Token).ConfigureAwait(false);
            return;
        }

        var position = buffer.Start;
        var remaining = buffer.Length;
        while (buffer.TryGet(ref position, out var segment))
        {
            if (segment.IsEmpty)
            {
                continue;
            }

            remaining -= segment.Length;
            await _socket.SendAsync(segment, WebSocketMessageType.Binary, endOfMessage: remaining == 0, _stop.Token).ConfigureAwait(false);
        }
    }
}
