using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// <c>GET /v1/events/ws</c>: one JSON text message per event (the <see cref="EventView"/> the REST routes answer), the
/// same filters as SSE. What the client sends is read and ignored, except its close, which ends the stream with a
/// normal close. A keep-alive frame every <see cref="StreamOptions.Heartbeat"/> keeps proxies from dropping an idle connection.
/// When the node stops, the server closes with 1001 (going away): the client reconnects, to this node or another,
/// with <c>after</c> set to what it has.
/// </summary>
internal static class WebSocketStream
{
    /// <summary>How long a close waits for the client's answering close frame before the socket is dropped.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(HttpContext http, StreamRequest request, EventFollower follower, LiveStreams streams)
    {
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = streams.Options.Heartbeat }).ConfigureAwait(false);
        StreamLog.Opened(streams.Logger, "WebSocket", request.TenantId, request.ActorIds?.Count);

        // Sending stops when the client closes or goes away, or the node stops; receiving runs on until the close
        // handshake is done, because cancelling a receive aborts the socket.
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, streams.Stopping);
        using var stopReceiving = new CancellationTokenSource();
        var receiving = ReceiveUntilCloseAsync(socket, stopSending, stopReceiving.Token);
        var sent = 0L;
        try
        {
            await foreach (var e in request.Follow(follower, stopSending.Token).ConfigureAwait(false))
            {
                await socket.SendAsync(StreamJson.Message(e), WebSocketMessageType.Text, endOfMessage: true, stopSending.Token).ConfigureAwait(false);
                sent++;
            }
        }
        catch (OperationCanceledException) when (stopSending.IsCancellationRequested)
        {
            // The client closed or went away, or the node is stopping: the normal ends of a stream.
        }
        catch (WebSocketException e)
        {
            StreamLog.WebSocketLost(streams.Logger, request.TenantId, sent, e);
        }

        var stopping = streams.Stopping.IsCancellationRequested;
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var closeWait = new CancellationTokenSource(CloseWait);
            try
            {
                await socket.CloseOutputAsync(
                    stopping ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure,
                    stopping ? "the node is stopping; reconnect with after= the last seq received" : "closed",
                    closeWait.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                StreamLog.WebSocketLost(streams.Logger, request.TenantId, sent, e);
            }
        }

        if (await Task.WhenAny(receiving, Task.Delay(CloseWait)).ConfigureAwait(false) != receiving)
        {
            await stopReceiving.CancelAsync().ConfigureAwait(false);
        }

        await receiving.ConfigureAwait(false);
        StreamLog.Closed(streams.Logger, "WebSocket", request.TenantId, sent, stopping ? "the node is stopping" : "the client closed or went away");
    }

    /// <summary>Reads and drops the client's messages until its close frame (then stops the sending) or the socket ends.</summary>
    private static async Task ReceiveUntilCloseAsync(WebSocket socket, CancellationTokenSource stopSending, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The socket was dropped (the client went away, or the close wait ran out): nothing more to read.
        }

        await stopSending.CancelAsync().ConfigureAwait(false);
    }
}
