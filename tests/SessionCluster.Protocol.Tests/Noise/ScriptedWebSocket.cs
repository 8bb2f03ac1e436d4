using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace SessionCluster.Protocol.Tests.Noise;

/// <summary>
/// A WebSocket whose incoming messages the test queues, recording the size of every receive buffer it is handed; a
/// zero-length receive waits for a message and returns its type without consuming it, as ManagedWebSocket's does.
/// </summary>
internal sealed class ScriptedWebSocket : WebSocket
{
    private readonly Channel<(WebSocketMessageType Type, byte[] Payload)> _incoming = Channel.CreateUnbounded<(WebSocketMessageType, byte[])>();
    private (WebSocketMessageType Type, byte[] Payload)? _current;
    private int _offset;

    /// <summary>The length of each receive buffer, in call order (recorded when the call starts, before it waits).</summary>
    public ConcurrentQueue<int> ReceiveSizes { get; } = new();

    public override WebSocketCloseStatus? CloseStatus => null;

    public override string? CloseStatusDescription => null;

    public override WebSocketState State => WebSocketState.Open;

    public override string? SubProtocol => null;

    public void Arrive(WebSocketMessageType type, byte[] payload) => _incoming.Writer.TryWrite((type, payload));

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ReceiveSizes.Enqueue(buffer.Length);
        var (type, payload) = _current ??= await _incoming.Reader.ReadAsync(cancellationToken);
        var count = Math.Min(buffer.Length, payload.Length - _offset);
        payload.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        var end = _offset == payload.Length && buffer.Length > 0;
        if (end || type == WebSocketMessageType.Close)
        {
            _current = null;
            _offset = 0;
        }

        return new ValueWebSocketReceiveResult(count, type, end);
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The pipe receives into Memory<byte>.");

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Abort()
    {
    }

    public override void Dispose()
    {
    }
}
