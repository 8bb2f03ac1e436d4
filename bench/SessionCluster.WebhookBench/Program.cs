using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SessionCluster.Host;
using SessionCluster.Simulator;

// Webhook delivery, one run: N sessions linked to the simulator's phones, one tenant-wide webhook posting to a receiver
// on loopback. Live: every session's friend sends M texts (all sessions at once); lag = when the receiver got the
// message.received event minus the event's time. Backlog: the receiver stops, M more texts per session are written,
// the receiver starts again; rate = events delivered / time from the first to the last post of the backlog.
//   dotnet run -c Release --project bench/SessionCluster.WebhookBench -- [--sessions 20] [--messages 100]
var sessions = Option("--sessions", 20);
var messages = Option("--messages", 100);
const string AdminKey = "bench-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";
var data = Directory.CreateTempSubdirectory("sessioncluster-webhook-bench-").FullName;
await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
var receiver = new Receiver();
await receiver.StartAsync(0);
await using var node = NodeHost.Build([
    "--data", data, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0", $"--SC:Edge:AdminKey={AdminKey}",
    $"--SC:WhatsApp:ServerUrl={simulator.WebSocketUrl}", $"--SC:WhatsApp:RootPublicKey={Convert.ToHexString(simulator.RootPublicKey.Span)}",
    "--Serilog:MinimumLevel:Default=Warning",
]);
await node.StartAsync();
using var api = new HttpClient { BaseAddress = new Uri(node.HttpAddresses().Single()), Timeout = TimeSpan.FromMinutes(2) };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
using var admin = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

await Post(api, "/v1/webhooks", new { url = receiver.Url, secret = "bench-secret-0123456789", retry = new { attempts = 100, initialDelay = 0.2, maxDelay = 0.5 } });
var names = Enumerable.Range(0, sessions).Select(i => $"bench-{i}").ToArray();
await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
{
    await Post(admin, $"{simulator.AdminUrl}/accounts", new { phone = Owner(i) });
    await Post(admin, $"{simulator.AdminUrl}/accounts", new { phone = Friend(i) });
    await Post(api, "/v1/sessions", new { id = names[i] });
    var qr = await api.GetFromJsonAsync<JsonElement>($"/v1/sessions/{names[i]}/qr");
    await Post(admin, $"{simulator.AdminUrl}/accounts/{Owner(i)}/link", new { qr = qr.GetProperty("qr").GetString() });
});
await Task.Delay(3000);

var live = Stopwatch.StartNew();
await SendAllAsync("live");
await receiver.WaitForTextsAsync("live", sessions * messages);
live.Stop();
var lags = receiver.Lags("live");

await receiver.StopAsync();
await SendAllAsync("backlog");
var before = receiver.Count;
await receiver.StartAsync(receiver.Port);
await receiver.WaitForTextsAsync("backlog", sessions * messages);
var (first, last, posted) = receiver.Window(before);

Console.WriteLine($"sessions {sessions}, texts per session {messages} per phase");
Console.WriteLine($"live: {sessions * messages} inbound texts in {live.Elapsed.TotalSeconds:0.0} s; delivery lag p50 {Percentile(lags, 0.5):0.0} ms, p99 {Percentile(lags, 0.99):0.0} ms, max {lags.Max():0.0} ms");
Console.WriteLine($"backlog: {sessions * messages} texts written while the receiver was down; {posted} posts in {(last - first).TotalSeconds:0.00} s = {posted / (last - first).TotalSeconds:0} events/s");
await node.StopAsync();
await receiver.StopAsync();
Directory.Delete(data, recursive: true);
return;

async Task SendAllAsync(string phase) =>
    await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = sessions }, async (i, _) =>
    {
        for (var m = 0; m < messages; m++)
        {
            await Post(admin, $"{simulator.AdminUrl}/accounts/{Friend(i)}/messages", new { to = Owner(i) + "@s.whatsapp.net", text = $"{phase} {m}" });
        }
    });

static string Owner(int i) => (15560000000L + i).ToString(CultureInfo.InvariantCulture);

static string Friend(int i) => (15570000000L + i).ToString(CultureInfo.InvariantCulture);

static async Task Post(HttpClient http, string url, object body)
{
    using var response = await http.PostAsJsonAsync(url, body);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

static double Percentile(List<double> values, double p)
{
    values.Sort();
    return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>A Kestrel receiver that answers 200 and notes, per post, when it came, the event's session, seq, type, time and text.</summary>
internal sealed class Receiver
{
    private readonly ConcurrentQueue<(DateTimeOffset Received, string Session, long Seq, string Type, DateTimeOffset At, string? Text)> _posts = new();
    private WebApplication? _app;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public int Count => _posts.Count;

    public async Task StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpRequest request) =>
        {
            var e = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var payload = e.GetProperty("payload");
            _posts.Enqueue((DateTimeOffset.UtcNow, e.GetProperty("session").GetString()!, e.GetProperty("seq").GetInt64(), e.GetProperty("type").GetString()!,
                e.GetProperty("at").GetDateTimeOffset(), payload.TryGetProperty("text", out var text) ? text.GetString() : null));
            return Results.Ok();
        });
        await _app.StartAsync();
        Port = new Uri(_app.Urls.Single()).Port;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task WaitForTextsAsync(string phase, int count)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (_posts.Count(p => p.Type == "message.received" && p.Text?.StartsWith(phase, StringComparison.Ordinal) == true) < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{phase}: fewer than {count} texts delivered in 10 minutes");
            }

            await Task.Delay(100);
        }
    }

    public List<double> Lags(string phase) =>
        [.. _posts.Where(p => p.Type == "message.received" && p.Text?.StartsWith(phase, StringComparison.Ordinal) == true).Select(p => (p.Received - p.At).TotalMilliseconds)];

    public (DateTimeOffset First, DateTimeOffset Last, int Posted) Window(int skip)
    {
        var backlog = _posts.Skip(skip).ToList();
        return (backlog.Min(p => p.Received), backlog.Max(p => p.Received), backlog.Count);
    }
}
