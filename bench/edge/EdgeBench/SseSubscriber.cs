using System.Diagnostics;
using System.Text.Json;

namespace EdgeBench;

/// <summary>
/// One SSE client on <c>/v1/events/stream</c>: hands each event's JSON to a callback with the time it was read, and
/// counts what it read. Runs until cancelled.
/// </summary>
internal sealed class SseSubscriber(HttpClient http, string query, Action<JsonElement, long> onEvent)
{
    private long _received;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Done once the response headers arrived (the stream is subscribed); <see cref="Reading"/> runs on.</summary>
    public Task Opened => _opened.Task;

    public Task Reading { get; private set; } = Task.CompletedTask;

    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start(CancellationToken cancellationToken) => Reading = Task.Run(() => ReadAsync(cancellationToken), cancellationToken);

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/v1/events/stream" + query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"stream {query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            _opened.TrySetResult();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var at = Stopwatch.GetTimestamp();
                    using var json = JsonDocument.Parse(line.AsMemory(6));
                    onEvent(json.RootElement, at);
                    Interlocked.Increment(ref _received);
                }
            }
        }
        catch (Exception e)
        {
            _opened.TrySetException(e);
            throw;
        }
    }
}
