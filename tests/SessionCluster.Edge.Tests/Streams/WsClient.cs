using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary>A real <see cref="ClientWebSocket"/> on <c>/v1/events/ws</c>: one JSON event per text message.</summary>
internal sealed class WsClient : IDisposable
{
    private WsClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<WsClient> ConnectAsync(Uri node, string bearer, string query, string? tenant = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        if (tenant is not null)
        {
            socket.Options.SetRequestHeader("X-Tenant-Id", tenant);
        }

        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        await socket.ConnectAsync(Address(node, query), deadline.Token);
        return new WsClient(socket);
    }

    /// <summary>What the server answered a connect it refused (the upgrade's HTTP status).</summary>
    public static async Task<int> RefusedStatusAsync(Uri node, string bearer, string query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        socket.Options.CollectHttpResponseDetails = true;
        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Address(node, query), deadline.Token));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>The next event; null when the server closed. Fails after <see cref="EdgeNode.Deadline"/>.</summary>
    public async Task<JsonElement?> NextOrCloseAsync()
    {
        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await Socket.ReceiveAsync(buffer, deadline.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            Assert.Equal(WebSocketMessageType.Text, received.MessageType);
            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                using var json = JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray()));
                return json.RootElement.Clone();
            }
        }
    }

    public async Task<JsonElement> NextAsync() =>
        await NextOrCloseAsync() ?? throw new Xunit.Sdk.XunitException($"the server closed the stream: {Socket.CloseStatus} {Socket.CloseStatusDescription}");

    public async Task<List<JsonElement>> ReadUntilAsync(Func<List<JsonElement>, bool> done)
    {
        var events = new List<JsonElement>();
        while (!done(events))
        {
            events.Add(await NextAsync());
        }

        return events;
    }

    public void Dispose() => Socket.Dispose();

    private static Uri Address(Uri node, string query) =>
        new(new UriBuilder(node) { Scheme = node.Scheme == "https" ? "wss" : "ws" }.Uri, "/v1/events/ws" + query);
}
