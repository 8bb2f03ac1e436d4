using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// The client's side of the WebSocket opening handshake (RFC 6455 §4.1) over an open stream: a GET with
/// <c>Upgrade: websocket</c> and a fresh <c>Sec-WebSocket-Key</c>, answered by <c>101</c> whose
/// <c>Sec-WebSocket-Accept</c> proves the server read that key. Any other answer is a <see cref="WebSocketException"/>
/// naming the status, as <see cref="ClientWebSocket"/> reports it.
/// </summary>
internal static class WebSocketUpgrade
{
    // RFC 6455 §1.3: appended to the key before hashing, so that only a WebSocket server can compute the accept value.
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    // A 101 is a status line and a few headers; more than this is not a WebSocket server we can talk to.
    private const int MaxResponseHeaderBytes = 8192;

    public static async Task RunAsync(Stream stream, Uri uri, string origin, RandomNumberGenerator random, CancellationToken cancellationToken)
    {
        var nonce = new byte[16];
        random.GetBytes(nonce);
        var key = Convert.ToBase64String(nonce);
        var request = new StringBuilder()
            .Append("GET ").Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Upgrade: websocket\r\n")
            .Append("Connection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n")
            .Append("Origin: ").Append(origin).Append("\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        var head = await ReadHeadAsync(stream, cancellationToken).ConfigureAwait(false);
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = lines.Length > 0 ? lines[0].Split(' ', 3) : [];
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new WebSocketException(WebSocketError.HeaderError, "The server's answer to the WebSocket upgrade is not an HTTP/1.x status line.");
        }

        if (status[1] != "101")
        {
            throw new WebSocketException(WebSocketError.NotAWebSocket, $"The server returned status code '{status[1]}' when status code '101' was expected.");
        }

        var accept = Header(lines, "Sec-WebSocket-Accept");
        if (!string.Equals(Header(lines, "Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase) || accept != AcceptFor(key))
        {
            throw new WebSocketException(WebSocketError.HeaderError, "The server's 101 does not accept this WebSocket key (Upgrade or Sec-WebSocket-Accept is wrong).");
        }
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> a server must answer <paramref name="key"/> with.</summary>
    public static string AcceptFor(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    private static string? Header(string[] lines, string name)
    {
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>The response head up to the blank line, read byte by byte so that no WebSocket frame after it is read with it.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (head.Count >= MaxResponseHeaderBytes)
            {
                throw new WebSocketException(WebSocketError.HeaderError, $"The server answered the WebSocket upgrade with more than {MaxResponseHeaderBytes} bytes of headers.");
            }

            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The server closed the connection before answering the WebSocket upgrade.");
            }

            head.Add(one[0]);
        }

        return Encoding.Latin1.GetString(head.ToArray());
    }
}
