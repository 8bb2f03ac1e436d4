using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// <c>GET /v1/events/stream</c> as Server-Sent Events (text/event-stream): per event <c>id: SESSION:SEQ</c>,
/// <c>event: TYPE</c>, <c>data: EventView JSON</c>; a comment line every <see cref="StreamOptions.Heartbeat"/>. Written
/// by one loop, so an event and a heartbeat never interleave; flushed as soon as no further event is ready.
/// </summary>
internal static class SseStream
{
    public const string ContentType = "text/event-stream";

    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    /// <summary>Bytes written before a flush even while more events are ready: 64 KiB, a few hundred events.</summary>
    private const int FlushAt = 64 * 1024;

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
            var unflushed = 0;
            while (true)
            {
                next ??= events.MoveNextAsync().AsTask();
                if (unflushed > 0 && (!next.IsCompleted || unflushed >= FlushAt))
                {
                    // Nothing more is ready (or enough is written): a burst goes out in one write, not one per event.
                    // The flush waits while the client is slow to read, so a slow client holds at most FlushAt here.
                    if ((await response.BodyWriter.FlushAsync(stop.Token).ConfigureAwait(false)).IsCompleted)
                    {
                        break;
                    }

                    unflushed = 0;
                }

                if (!next.IsCompleted)
                {
                    beat ??= Task.Delay(streams.Options.Heartbeat, stop.Token);
                    if (await Task.WhenAny(next, beat).ConfigureAwait(false) == beat)
                    {
                        await beat.ConfigureAwait(false);
                        beat = null;
                        response.BodyWriter.Write(Heartbeat);
                        unflushed += Heartbeat.Length;
                        continue;
                    }
                }

                var more = await next.ConfigureAwait(false);
                next = null;
                if (!more)
                {
                    break;
                }

                var frame = StreamJson.SseFrame(events.Current);
                response.BodyWriter.Write(frame);
                unflushed += frame.Length;
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
}
