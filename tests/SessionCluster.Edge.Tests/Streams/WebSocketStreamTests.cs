using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary><c>GET /v1/events/ws</c> through a real ClientWebSocket: filtered JSON messages, the close handshake both ways.</summary>
public sealed class WebSocketStreamTests(StreamsNode fixture) : IClassFixture<StreamsNode>
{
    [Fact]
    public async Task A_websocket_gives_the_filtered_events_as_json_messages_ignores_what_the_client_sends_and_closes_normally()
    {
        var (http, key) = await fixture.CreateTenantAsync("ws-filters");
        await StreamsNode.CreateSessionAsync(http, "w-a");
        await StreamsNode.CreateSessionAsync(http, "w-b");
        using var ws = await WsClient.ConnectAsync(http.BaseAddress!, key, "?sessions=w-a&types=session.qr");

        // Client messages are not a protocol: they are read and dropped, and the stream goes on.
        await ws.Socket.SendAsync(Encoding.UTF8.GetBytes("{\"hello\":true}"), WebSocketMessageType.Text, true, CancellationToken.None);
        foreach (var id in new[] { "w-b", "w-a" })
        {
            using var qr = await http.GetAsync($"/v1/sessions/{id}/qr");
            Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        }

        var e = await ws.NextAsync();
        Assert.Equal("w-a", e.GetProperty("session").GetString());
        Assert.Equal("session.qr", e.GetProperty("type").GetString());
        Assert.Equal(3, e.GetProperty("seq").GetInt64());
        Assert.False(string.IsNullOrEmpty(e.GetProperty("payload").GetProperty("qr").GetString()));
        Assert.Contains(await StreamsNode.JournalAsync(http, "w-b"), x => x.GetProperty("type").GetString() == "session.qr");

        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        await ws.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", deadline.Token);
        while (await ws.NextOrCloseAsync() is not null)
        {
            // QR refreshes already on their way before the server saw the close.
        }

        Assert.Equal(WebSocketState.Closed, ws.Socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.Socket.CloseStatus);
    }

    [Fact]
    public async Task Stopping_the_node_closes_open_websockets_with_1001_and_ends_sse_streams()
    {
        var node = new EdgeNode("--SC:Edge:Streams:Heartbeat=00:00:01");
        await node.InitializeAsync();
        var disposed = false;
        try
        {
            await node.CreateSessionAsync("stopping");
            using var ws = await WsClient.ConnectAsync(node.Http.BaseAddress!, EdgeNode.AdminKey, "?sessions=stopping");
            await using var sse = await SseClient.OpenAsync(node.Http, "?sessions=stopping");
            Assert.Equal(1, (await ws.NextAsync()).GetProperty("seq").GetInt64());
            Assert.Equal(1, (await sse.NextAsync()).Seq);

            var closed = ws.NextOrCloseAsync();
            var ended = sse.NextOrEndAsync();
            disposed = true;
            await node.DisposeAsync();

            Assert.Null(await closed);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, ws.Socket.CloseStatus);
            Assert.Null(await ended);
        }
        finally
        {
            if (!disposed)
            {
                await node.DisposeAsync();
            }
        }
    }
}
