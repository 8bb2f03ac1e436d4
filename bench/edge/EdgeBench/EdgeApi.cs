using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EdgeBench;

/// <summary>The node's REST API and the simulator's admin API, as the benchmark uses them.</summary>
internal sealed class EdgeApi(Uri node, string adminKey, string simulatorAdmin) : IDisposable
{
    private readonly HttpClient _node = Client(node, adminKey);
    private readonly HttpClient _simulator = new() { Timeout = TimeSpan.FromSeconds(60) };

    public Uri Node => node;

    public string AdminKey => adminKey;

    public static HttpClient Client(Uri node, string key)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public async Task CreateAccountAsync(string phone)
    {
        using var response = await _simulator.PostAsJsonAsync($"{simulatorAdmin}/accounts", new { phone });
        await EnsureAsync(response, HttpStatusCode.Created, $"simulator account {phone}");
    }

    /// <summary>Creates the session, asks its QR, has the phone scan it and waits until the session says connected.</summary>
    public async Task LinkAsync(string session, string owner)
    {
        using (var created = await _node.PostAsJsonAsync("/v1/sessions", new { id = session }))
        {
            await EnsureAsync(created, HttpStatusCode.Created, $"create {session}");
        }

        var qr = (await _node.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/qr")).GetProperty("qr").GetString();
        using (var scanned = await _simulator.PostAsJsonAsync($"{simulatorAdmin}/accounts/{owner}/link", new { qr }))
        {
            await EnsureAsync(scanned, HttpStatusCode.OK, $"scan {session}");
        }

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while ((await _node.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}")).GetProperty("status").GetString() != "connected")
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{session} did not connect within 120 s");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>POST a text; the message id from the 202.</summary>
    public async Task<string> SendAsync(string session, string to, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{session}/messages") { Content = JsonContent.Create(new { to, type = "text", text }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await _node.SendAsync(request);
        await EnsureAsync(response, HttpStatusCode.Accepted, $"send from {session}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The session's last seq (what a stream that wants only new events passes as after).</summary>
    public async Task<long> LastSeqAsync(string session)
    {
        var after = 0L;
        while (true)
        {
            var page = await _node.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/events?after={after}&limit=1000");
            var next = page.GetProperty("next").GetInt64();
            if (next == after)
            {
                return after;
            }

            after = next;
        }
    }

    public void Dispose()
    {
        _node.Dispose();
        _simulator.Dispose();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
