using System.Globalization;
using System.Net;
using System.Text;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// An HTTP proxy that answers <c>CONNECT host:port</c> only, and only with <c>Proxy-Authorization: Basic</c> of its
/// credentials (407 otherwise); 502 when it cannot reach the target.
/// </summary>
internal sealed class HttpConnectTestProxy(IPAddress outboundAddress, string username = "http-user", string password = "http-secret-9Z")
    : TestProxy(outboundAddress, username, password)
{
    public override ProxySettings Settings(string? password = null) =>
        new(ProxyKind.HttpConnect, "127.0.0.1", Port, Username, password ?? Password);

    protected override async Task<DnsEndPoint?> ReadRequestAsync(Stream client, CancellationToken cancellationToken)
    {
        var lines = (await ReadHeadAsync(client, cancellationToken)).Split("\r\n");
        var request = lines[0].Split(' ');
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));
        var authorized = lines.Any(l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase) && l["Proxy-Authorization:".Length..].Trim() == expected);
        if (request is not ["CONNECT", _, "HTTP/1.1"])
        {
            CountRefused();
            await WriteAsync(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n", cancellationToken);
            return null;
        }

        if (!authorized)
        {
            CountRefused();
            await WriteAsync(client, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n", cancellationToken);
            return null;
        }

        var colon = request[1].LastIndexOf(':');
        return new DnsEndPoint(request[1][..colon].Trim('[', ']'), int.Parse(request[1][(colon + 1)..], CultureInfo.InvariantCulture));
    }

    protected override Task ReplyAsync(Stream client, bool connected, CancellationToken cancellationToken) =>
        WriteAsync(client, connected ? "HTTP/1.1 200 Connection Established\r\n\r\n" : "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", cancellationToken);

    private static async Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new EndOfStreamException("The client closed before the end of its request.");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
