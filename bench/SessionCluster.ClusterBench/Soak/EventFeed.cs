using System.Diagnostics;
using System.Text.Json;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// The API client's view of the traffic: one Server-Sent Events stream of the tenant's <c>message.received</c> and
/// <c>message.status</c> events (docs/API.md "Live events"), each arrival timed into <see cref="Latencies"/>. A stream
/// that ends is opened again (counted): it replays from each session's first event, and replayed ids that nobody waits
/// for are dropped by <see cref="Latencies"/>.
/// </summary>
internal sealed class EventFeed(HttpClient node, Latencies latencies)
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public int Reopened { get; private set; }

    public string? LastError { get; private set; }

    public void Start() => _run = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await ReadAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                LastError = e.Message;
            }

            Reopened++;
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
    }

    private async Task ReadAsync(CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream?types=message.received,message.status");
        request.Headers.Add("Accept", "text/event-stream");
        using var response = await node.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                OnEvent(line.AsMemory(6), Stopwatch.GetTimestamp());
            }
        }
    }

    private void OnEvent(ReadOnlyMemory<char> json, long arrived)
    {
        using var document = JsonDocument.Parse(json);
        var type = document.RootElement.GetProperty("type").GetString();
        var payload = document.RootElement.GetProperty("payload");
        var id = payload.GetProperty("id").GetString()!;
        if (type == "message.received")
        {
            latencies.Arrived(LatencyKind.Inbound, id, arrived);
        }
        else if (type == "message.status" && payload.GetProperty("status").GetString() == "delivered")
        {
            latencies.Arrived(LatencyKind.Delivered, id, arrived);
        }
    }
}
