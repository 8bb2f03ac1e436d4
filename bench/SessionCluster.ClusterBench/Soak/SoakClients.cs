using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// What the soak asks of the node (its public API, as the admin key in the <c>default</c> tenant) and of the simulator
/// process (its admin API, docs/SIMULATOR.md). Any answer other than the expected one throws with the status and body.
/// </summary>
internal sealed class SoakClients : IDisposable
{
    private readonly HttpClient _simulator;

    public SoakClients(Uri node, string adminKey, string simulatorAdminUrl)
    {
        Node = NewClient(node, adminKey, TimeSpan.FromSeconds(60));
        Stream = NewClient(node, adminKey, Timeout.InfiniteTimeSpan);
        _simulator = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(simulatorAdminUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>Requests to the node's <c>/v1</c> routes.</summary>
    public HttpClient Node { get; }

    /// <summary>The same, with no timeout, for the event stream.</summary>
    public HttpClient Stream { get; }

    public static string SessionName(int i) => string.Create(CultureInfo.InvariantCulture, $"soak-{i}");

    public static string SessionPhone(int i) => string.Create(CultureInfo.InvariantCulture, $"1558{i:D7}");

    public static string FriendPhone(int f) => string.Create(CultureInfo.InvariantCulture, $"1559{f:D7}");

    public async Task CreateAccountAsync(string phone)
    {
        using var response = await _simulator.PostAsJsonAsync("accounts", new { phone });
        await ExpectAsync(response, $"create account {phone}", HttpStatusCode.Created);
    }

    /// <summary>Creates session <paramref name="name"/>, shows its QR to the phone of <paramref name="phone"/>, and waits until it is connected.</summary>
    public async Task LinkAsync(string name, string phone)
    {
        using (var created = await Node.PostAsJsonAsync("/v1/sessions", new { id = name }))
        {
            await ExpectAsync(created, $"create {name}", HttpStatusCode.Created);
        }

        // GET .../qr waits for the first code itself (SC:Edge:QrWait).
        string qr;
        using (var shown = await Node.GetAsync($"/v1/sessions/{name}/qr"))
        {
            await ExpectAsync(shown, $"QR of {name}", HttpStatusCode.OK);
            qr = (await shown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("qr").GetString()!;
        }

        using (var scanned = await _simulator.PostAsJsonAsync($"accounts/{phone}/link", new { qr }))
        {
            await ExpectAsync(scanned, $"scan by {phone}", HttpStatusCode.OK);
        }

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (await StatusAsync(name) != "connected")
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{name} not connected 120 s after its QR was scanned");
            }

            await Task.Delay(200);
        }
    }

    public async Task<string?> StatusAsync(string name)
    {
        using var response = await Node.GetAsync($"/v1/sessions/{name}");
        return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : null;
    }

    /// <summary>A text through the API; returns the message id from the 202.</summary>
    public async Task<string> SendAsync(string name, string to, string text, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{name}/messages") { Content = JsonContent.Create(new { to, type = "text", text }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await Node.SendAsync(request);
        await ExpectAsync(response, $"send from {name}", HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The simulated phone of <paramref name="from"/> sends a text to <paramref name="toPhone"/>; returns the message id.</summary>
    public async Task<string> PhoneSendsAsync(string from, string toPhone, string text)
    {
        using var response = await _simulator.PostAsJsonAsync($"accounts/{from}/messages", new { to = toPhone + "@s.whatsapp.net", text });
        await ExpectAsync(response, $"phone {from} sends", HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The events of session <paramref name="name"/> about message <paramref name="id"/>, as "type status at" each.</summary>
    public async Task<List<string>> EventsOfMessageAsync(string name, string id)
    {
        var found = new List<string>();
        var after = 0L;
        while (true)
        {
            using var page = JsonDocument.Parse(await Node.GetStringAsync($"/v1/sessions/{name}/events?after={after}&limit=1000"));
            var events = page.RootElement.GetProperty("events");
            if (events.GetArrayLength() == 0)
            {
                return found;
            }

            foreach (var e in events.EnumerateArray())
            {
                var payload = e.GetProperty("payload");
                if (payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("id", out var messageId) && messageId.ValueKind == JsonValueKind.String && messageId.GetString() == id)
                {
                    var status = payload.TryGetProperty("status", out var s) ? " " + s.GetString() : "";
                    found.Add($"{e.GetProperty("type").GetString()}{status} at {e.GetProperty("at").GetString()}");
                }
            }

            after = page.RootElement.GetProperty("next").GetInt64();
        }
    }

    /// <summary>Drops the session's connection and logs in again (202); false when it was connecting already (409).</summary>
    public async Task<bool> RestartAsync(string name)
    {
        using var response = await Node.PostAsync($"/v1/sessions/{name}:restart", null);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await ExpectAsync(response, $"restart {name}", HttpStatusCode.Accepted);
        return true;
    }

    public void Dispose()
    {
        Node.Dispose();
        Stream.Dispose();
        _simulator.Dispose();
    }

    private static HttpClient NewClient(Uri node, string adminKey, TimeSpan timeout)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = node, Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        client.DefaultRequestHeaders.Add("X-Tenant-Id", "default");
        return client;
    }

    private static async Task ExpectAsync(HttpResponseMessage response, string what, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
