using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// Opens a TCP tunnel to a server through a <see cref="ProxySettings"/> proxy, and an HTTP message invoker whose every
/// connection goes through it (what <see cref="System.Net.WebSockets.ClientWebSocket"/> connects with).
/// </summary>
/// <remarks>
/// Why our own handshake rather than <c>WebProxy("socks5://…")</c>: .NET's built-in proxy support fails with
/// <see cref="HttpRequestException"/>s whose inner exceptions are internal types and whose messages name the proxy URI,
/// so a bad password, a dead proxy and a proxy that cannot reach the server can only be told apart by parsing text.
/// Here each is a <see cref="ProxyException"/> with a <see cref="ProxyFailure"/>, the proxy's host:port, and no secret.
/// The tunnel is handed to <see cref="SocketsHttpHandler.ConnectCallback"/>, so TLS, the WebSocket upgrade and
/// certificate pinning run over it exactly as they do over a direct socket. SOCKS5 sends the server's host name, not an
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

    /// <summary>
    /// An invoker whose connections all go through <paramref name="proxy"/>, trusting only <paramref name="pinned"/> as TLS
    /// root when given; <paramref name="tunnelOpened"/> runs when a tunnel is open (to tell a proxy's timeout from the server's).
    /// </summary>
    public static HttpMessageInvoker Invoker(ProxySettings proxy, X509Certificate2? pinned, Action tunnelOpened)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var stream = await ConnectAsync(proxy, context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                tunnelOpened();
                return stream;
            },
        };
        if (pinned is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = PinnedCertificate.TrustOnly(pinned) };
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
