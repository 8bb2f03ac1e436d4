using System.Net;
using System.Net.Sockets;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// Opens a TCP tunnel to a server through a <see cref="ProxySettings"/> proxy (<see cref="WebSocketConnector"/> runs TLS
/// and the WebSocket upgrade over it).
/// </summary>
/// <remarks>
/// Why our own handshake rather than <c>WebProxy("socks5://…")</c>: .NET's built-in proxy support fails with
/// <see cref="HttpRequestException"/>s whose inner exceptions are internal types and whose messages name the proxy URI,
/// so a bad password, a dead proxy and a proxy that cannot reach the server can only be told apart by parsing text.
/// Here each is a <see cref="ProxyException"/> with a <see cref="ProxyFailure"/>, the proxy's host:port, and no secret.
/// TLS, the WebSocket upgrade and certificate pinning run over the tunnel exactly as they do over a direct socket. SOCKS5 sends the server's host name, not an
/// address resolved here: the proxy resolves it, so no DNS query leaves the node outside the proxy.
/// </remarks>
internal static class ProxyTunnel
{
    /// <summary>A TCP connection to <paramref name="host"/>:<paramref name="port"/> through <paramref name="proxy"/>.</summary>
    /// <exception cref="ProxyException">The proxy could not be reached or did not open the tunnel.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public static async Task<Stream> ConnectAsync(ProxySettings proxy, string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            try
            {
                await socket.ConnectAsync(new DnsEndPoint(proxy.Host, proxy.Port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new ProxyException(proxy, ProxyFailure.Unreachable, $"could not connect to the proxy ({e.SocketErrorCode})", e);
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            try
            {
                await (proxy.Kind == ProxyKind.Socks5
                    ? Socks5Handshake.RunAsync(stream, proxy, host, port, cancellationToken)
                    : HttpConnectHandshake.RunAsync(stream, proxy, host, port, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException and not ProxyException)
            {
                throw new ProxyException(proxy, ProxyFailure.ProtocolError, "the proxy closed the connection during its handshake", e);
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
