using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Connection;

public sealed class WebSocketUpgradeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_request_names_path_host_key_and_origin_and_a_101_with_the_right_accept_opens_the_socket()
    {
        string? request = null;
        await using var server = await OneShotServer.StartAsync(async (head, stream) =>
        {
            request = head;
            var key = HeaderOf(head, "Sec-WebSocket-Key");
            await WriteAsync(stream, $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {WebSocketUpgrade.AcceptFor(key)}\r\n\r\n");
        });

        await using var client = await server.ConnectAsync();
        await WebSocketUpgrade.RunAsync(client, new Uri($"ws://localhost:{server.Port}/ws/chat?x=1"), "https://web.whatsapp.com", RandomNumberGenerator.Create(), CancellationToken.None).WaitAsync(Patience);

        Assert.StartsWith("GET /ws/chat?x=1 HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Equal($"localhost:{server.Port}", HeaderOf(request!, "Host"));
        Assert.Equal("13", HeaderOf(request!, "Sec-WebSocket-Version"));
        Assert.Equal("https://web.whatsapp.com", HeaderOf(request!, "Origin"));
        Assert.Equal(16, Convert.FromBase64String(HeaderOf(request!, "Sec-WebSocket-Key")).Length);
    }

    [Fact]
    public async Task A_status_other_than_101_is_a_WebSocketException_naming_it()
    {
        await using var server = await OneShotServer.StartAsync((_, stream) => WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        await using var client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<WebSocketException>(() => WebSocketUpgrade.RunAsync(client, new Uri($"ws://localhost:{server.Port}/"), "o", RandomNumberGenerator.Create(), CancellationToken.None).WaitAsync(Patience));

        Assert.Contains("'404'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_101_that_does_not_accept_our_key_is_refused()
    {
        await using var server = await OneShotServer.StartAsync((_, stream) =>
            WriteAsync(stream, $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {WebSocketUpgrade.AcceptFor("another key")}\r\n\r\n"));
        await using var client = await server.ConnectAsync();

        await Assert.ThrowsAsync<WebSocketException>(() => WebSocketUpgrade.RunAsync(client, new Uri($"ws://localhost:{server.Port}/"), "o", RandomNumberGenerator.Create(), CancellationToken.None).WaitAsync(Patience));
    }

    [Fact]
    public void The_accept_value_is_the_one_RFC_6455_gives_for_its_sample_key() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketUpgrade.AcceptFor("dGhlIHNhbXBsZSBub25jZQ=="));

    private static string HeaderOf(string head, string name) =>
        head.Split("\r\n").Skip(1).Select(l => l.Split(':', 2)).First(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase))[1].Trim();

    private static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>A loopback listener that reads one request head and answers it as the test says.</summary>
    private sealed class OneShotServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;

        private OneShotServer(TcpListener listener, Func<string, Stream, Task> answer)
        {
            _listener = listener;
            _serving = ServeAsync(answer);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<OneShotServer> StartAsync(Func<string, Stream, Task> answer)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new OneShotServer(listener, answer));
        }

        public async Task<NetworkStream> ConnectAsync()
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return client.GetStream();
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving.WaitAsync(Patience);
        }

        private async Task ServeAsync(Func<string, Stream, Task> answer)
        {
            using var accepted = await _listener.AcceptTcpClientAsync();
            var stream = accepted.GetStream();
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            {
                head.Append((char)one[0]);
            }

            await answer(head.ToString(), stream);
        }
    }
}
