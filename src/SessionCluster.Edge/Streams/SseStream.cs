using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// <c>GET /v1/events/stream</c> as Server-Sent Events (text/event-stream): per event <c>id: SESSION:SEQ</c>,
/// <c>event: TYPE</c>, <c>data: EventView JSON</c>; a comment line every <see cref="StreamOptions.Heartbeat"/>. Written
/// by one loop, so an event and a heartbeat never interleave; each is flushed at once (no response buffering).
/// </summary>
internal static class SseStream
{
    public const string ContentType = "text/event-stream";

    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    public static async Task RunAsync(HttpContext http, StreamRequest request, EventFollower follower, LiveStreams streams)
    {
        var response = http.Response;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on, do not buffer the response
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(http.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        StreamLog.Opened(streams.Logger, "SSE", request.TenantId, request.ActorIds?.Count);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, streams.Stopping);
        var events = request.Follow(follower, stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool>? next = null;
        var sent = 0L;
        try
        {
            Task? beat = null;
            while (true)
            {
                next ??= events.MoveNextAsync().AsTask();
                beat ??= Task.Delay(streams.Options.Heartbeat, stop.Token);
                if (await Task.WhenAny(next, beat).ConfigureAwait(false) == beat)
                {
                    await beat.ConfigureAwait(false);
                    beat = null;
                    await WriteAsync(response, Heartbeat, stop.Token).ConfigureAwait(false);
                    continue;
                }

                var more = await next.ConfigureAwait(false);
                next = null;
                if (!more)
                {
                    break;
                }

                await WriteAsync(response, StreamJson.SseFrame(events.Current), stop.Token).ConfigureAwait(false);
                sent++;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the node is stopping: the normal ends of a stream.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (next is not null)
            {
                // The enumerator cannot be disposed while a MoveNext runs; it ends cancelled now.
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await events.DisposeAsync().ConfigureAwait(false);
        }

        StreamLog.Closed(streams.Logger, "SSE", request.TenantId, sent, streams.Stopping.IsCancellationRequested ? "the node is stopping" : "the client went away");
    }

    private static async Task WriteAsync(HttpResponse response, byte[] bytes, CancellationToken ct)
    {
        await response.Body.WriteAsync(bytes, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }
}
