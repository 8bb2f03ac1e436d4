using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// The tenant's live events: <c>GET /v1/events/stream</c> (Server-Sent Events) and <c>GET /v1/events/ws</c>
/// (WebSocket), both over <see cref="Events.EventFollower"/> (journal then live, no gap, no duplicate per session),
/// with the same filters (<see cref="StreamRequests"/>), checked before the stream starts so that a bad one is a
/// problem+json answer, not a stream that ends at once. A slow client cannot grow the node's memory: the hub cuts off
/// a subscriber that falls behind, and the follower reads on from the journal.
/// </summary>
internal static class StreamRoutes
{
    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        var streams = deps.Streams ?? throw new InvalidOperationException("The edge was composed without its live streams' settings.");
        v1.MapGet("/events/stream", (HttpContext http, CancellationToken ct) => ServerSentEventsAsync(http, deps, streams, ct));
        v1.MapGet("/events/ws", (HttpContext http, CancellationToken ct) => WebSocketAsync(http, deps, streams, ct));
    }

    private static async Task<IResult> ServerSentEventsAsync(HttpContext http, EdgeDependencies deps, LiveStreams streams, CancellationToken ct)
    {
        var (request, problem) = await StreamRequests.ParseAsync(http, deps, ct).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        await SseStream.RunAsync(http, request, deps.Follower, streams).ConfigureAwait(false);
        return Results.Empty;
    }

    private static async Task<IResult> WebSocketAsync(HttpContext http, EdgeDependencies deps, LiveStreams streams, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return EdgeProblems.InvalidRequest("this route is a WebSocket: send an upgrade request (Connection: Upgrade, Upgrade: websocket); for Server-Sent Events use /v1/events/stream");
        }

        var (request, problem) = await StreamRequests.ParseAsync(http, deps, ct).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        await WebSocketStream.RunAsync(http, request, deps.Follower, streams).ConfigureAwait(false);
        return Results.Empty;
    }
}
