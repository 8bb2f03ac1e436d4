using System.Net;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary>One event as an SSE client reads it: its id, event name and data.</summary>
internal sealed record SseFrame(string Id, string Event, JsonElement Data)
{
    public string Session => Data.GetProperty("session").GetString()!;

    public long Seq => Data.GetProperty("seq").GetInt64();
}

/// <summary>
/// A Server-Sent Events client over a real HttpClient: reads the response line by line as RFC text/event-stream
/// (fields, blank line ends a frame, lines starting with <c>:</c> are comments) and counts the comment-only frames.
/// </summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>Comment-only frames read so far (the server's heartbeats).</summary>
    public int Comments { get; private set; }

    public static async Task<SseClient> OpenAsync(HttpClient http, string query, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream" + query);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"the stream {query} answered {(int)response.StatusCode}: {body}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseClient(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next event; fails after <see cref="EdgeNode.Deadline"/> or when the stream ends.</summary>
    public async Task<SseFrame> NextAsync() =>
        await NextOrEndAsync() ?? throw new Xunit.Sdk.XunitException("the stream ended before the next event");

    /// <summary>The next event, or null when the server ended the stream; fails after <see cref="EdgeNode.Deadline"/>.</summary>
    public async Task<SseFrame?> NextOrEndAsync()
    {
        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        string? id = null, name = null, data = null;
        var comment = false;
        while (true)
        {
            var line = await _reader.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data is not null)
                {
                    Assert.NotNull(id);
                    Assert.NotNull(name);
                    using var json = JsonDocument.Parse(data);
                    return new SseFrame(id, name, json.RootElement.Clone());
                }

                Comments += comment ? 1 : 0;
                comment = false;
                continue;
            }

            if (line.StartsWith(':'))
            {
                comment = true;
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": Assert.Null(data); data = value; break;
                default: Assert.Fail($"unexpected SSE field '{field}'"); break;
            }
        }
    }

    /// <summary>Reads events until <paramref name="done"/> holds for all read so far.</summary>
    public async Task<List<SseFrame>> ReadUntilAsync(Func<List<SseFrame>, bool> done)
    {
        var frames = new List<SseFrame>();
        while (!done(frames))
        {
            frames.Add(await NextAsync());
        }

        return frames;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
