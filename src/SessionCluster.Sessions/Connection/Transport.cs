using System.Net.WebSockets;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Sessions.Connection;

/// <summary>An open connection's layers, outermost first: the WebSocket, the byte pipe over it, the Noise transport.</summary>
internal sealed class Transport(WebSocket webSocket, WebSocketDuplexPipe pipe, NoiseSocket socket)
{
    public NoiseSocket Socket { get; } = socket;

    /// <summary>Ends the connection without a close handshake and releases the Noise keys; the server sees the socket drop.</summary>
    /// <remarks>
    /// Abrupt on purpose: the connection is only closed after a loss was decided (or the session asked), when nothing more
    /// is owed to the server, and a close handshake could wait on a dead peer. Inside out: the Noise socket completes the
    /// pipe, the pipe stops its pumps (cancelling the WebSocket read aborts the socket), then the socket goes.
    /// </remarks>
    public async Task CloseAsync()
    {
        try
        {
            await Socket.DisposeAsync().ConfigureAwait(false);
            await pipe.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            webSocket.Abort();
            webSocket.Dispose();
        }
    }
}
