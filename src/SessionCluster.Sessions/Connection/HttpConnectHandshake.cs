using System.Globalization;
using System.Text;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// The client side of an HTTP proxy's <c>CONNECT host:port</c> tunnel (RFC 9110 §9.3.6), with
/// <c>Proxy-Authorization: Basic</c> when the proxy has credentials. A non-2xx answer is a <see cref="ProxyException"/>
/// naming the status; no message holds the password.
/// </summary>
internal static class HttpConnectHandshake
{
    // A proxy's answer to CONNECT is a status line and a few headers; more than this is not a proxy we can talk to.
    private const int MaxResponseHeaderBytes = 8192;

    public static async Task RunAsync(Stream stream, ProxySettings proxy, string host, int port, CancellationToken cancellationToken)
    {
        var authority = (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);
        var request = new StringBuilder()
            .Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(authority).Append("\r\n");
        if (proxy.HasCredentials)
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(proxy.Username + ":" + proxy.Password));
            request.Append("Proxy-Authorization: Basic ").Append(basic).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);

        var statusLine = await ReadHeadAsync(stream, proxy, cancellationToken).ConfigureAwait(false);
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new ProxyException(proxy, ProxyFailure.ProtocolError, "answered CONNECT with something that is not an HTTP/1.x status line");
        }

        if (status is >= 200 and < 300)
        {
            return;
        }

        var reason = parts.Length > 2 ? " " + parts[2] : "";
        var what = $"CONNECT to {authority} answered {status}{reason}";
        throw status switch
        {
            407 when proxy.HasCredentials => new ProxyException(proxy, ProxyFailure.AuthenticationFailed, $"{what}: the proxy rejected the credentials of user '{proxy.Username}'"),
            407 => new ProxyException(proxy, ProxyFailure.AuthenticationFailed, $"{what}: the proxy requires credentials and none are configured"),
            502 or 504 => new ProxyException(proxy, ProxyFailure.TargetUnreachable, $"{what}: the proxy could not reach the server"),
            _ => new ProxyException(proxy, ProxyFailure.Refused, what),
        };
    }

    /// <summary>Reads the response head up to the blank line, byte by byte so that nothing of the tunnel is read with it; returns the status line.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream, ProxySettings proxy, CancellationToken cancellationToken)
    {
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (head.Count >= MaxResponseHeaderBytes)
            {
                throw new ProxyException(proxy, ProxyFailure.ProtocolError, $"answered CONNECT with more than {MaxResponseHeaderBytes} bytes of headers");
            }

            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ProxyException(proxy, ProxyFailure.ProtocolError, "closed the connection before answering CONNECT");
            }

            head.Add(one[0]);
        }

        var text = Encoding.Latin1.GetString(head.ToArray());
        return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
    }
}
