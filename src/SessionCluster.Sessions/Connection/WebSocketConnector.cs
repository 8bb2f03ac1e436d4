using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// Opens the chat WebSocket: TCP (straight, or through the session's proxy), TLS for <c>wss</c> (trusting only the pinned
/// certificate when there is one, OpenSSL told to free its buffers while idle: <see cref="TlsIdleBuffers"/>), the upgrade (<see cref="WebSocketUpgrade"/>), then a WebSocket over that stream.
/// </summary>
/// <remarks>
/// Why not <see cref="ClientWebSocket"/>: it runs the upgrade through an HTTP handler whose connection stays under the
/// WebSocket for its whole life with a 4 KiB read and a 4 KiB write buffer, and with a certificate callback it builds
/// one handler (and connection pool) per socket. At thousands of idle sessions that was about 11 KiB of heap each; here
/// the WebSocket sits straight on the TLS stream, and every layer passes an idle zero-byte read down without a buffer.
/// </remarks>
internal static class WebSocketConnector
{
    public const string Origin = "https://web.whatsapp.com";

    /// <summary>An open WebSocket to <see cref="ConnectionSettings.ServerUri"/>; <paramref name="tunnelOpened"/> runs once a proxy's tunnel is open.</summary>
    /// <exception cref="ProxyException">The proxy could not be reached or did not open the tunnel.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed (or the certificate is not trusted).</exception>
    /// <exception cref="WebSocketException">The server did not upgrade the connection.</exception>
    public static async Task<WebSocket> ConnectAsync(ConnectionSettings settings, Action tunnelOpened, ILogger logger, CancellationToken cancellationToken)
    {
        var uri = settings.ServerUri;
        var secure = uri.Scheme is "wss" or "https";
        var port = uri.IsDefaultPort ? (secure ? 443 : 80) : uri.Port;
        Stream stream;
        if (settings.Proxy is { } proxy)
        {
            stream = await ProxyTunnel.ConnectAsync(proxy, uri.IdnHost, port, cancellationToken).ConfigureAwait(false);
            tunnelOpened();
        }
        else
        {
            stream = await ConnectTcpAsync(uri.IdnHost, port, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (secure)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = uri.IdnHost,
                        CertificateChainPolicy = settings.PinnedCertificate is { } pinned ? PinnedCertificate.TrustOnly(pinned) : null,
                    },
                    cancellationToken).ConfigureAwait(false);
                if (!TlsIdleBuffers.TryRelease(tls))
                {
                    ConnectionLog.TlsBuffersKept(logger, uri);
                }
            }

            using var random = RandomNumberGenerator.Create();
            await WebSocketUpgrade.RunAsync(stream, uri, Origin, random, cancellationToken).ConfigureAwait(false);
            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = WebSocket.DefaultKeepAliveInterval });
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<Stream> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
