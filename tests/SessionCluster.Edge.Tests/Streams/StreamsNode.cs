using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary>
/// An <see cref="EdgeNode"/> whose streams beat every second (so a test sees heartbeats without waiting 15 s), with
/// what the stream tests do to it: tenants with their own keys, sessions linked to simulator phones, sends.
/// </summary>
public sealed class StreamsNode : IAsyncLifetime
{
    private int _phones;

    public EdgeNode Node { get; } = new("--SC:Edge:Streams:Heartbeat=00:00:01");

    public Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();

    /// <summary>A new tenant and an HttpClient with its new API key.</summary>
    public async Task<(HttpClient Http, string Key)> CreateTenantAsync(string id)
    {
        using (var created = await Node.Http.PostAsJsonAsync("/v1/admin/tenants", new { id }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var keyResponse = await Node.Http.PostAsJsonAsync($"/v1/admin/tenants/{id}/keys", new { name = "streams" });
        Assert.Equal(HttpStatusCode.Created, keyResponse.StatusCode);
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var http = new HttpClient { BaseAddress = Node.Http.BaseAddress, Timeout = EdgeNode.Deadline };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (http, key);
    }

    public static async Task CreateSessionAsync(HttpClient http, string id)
    {
        using var response = await http.PostAsJsonAsync("/v1/sessions", new { id });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Creates the session, links it to a new simulator phone by its QR, and waits for it to be connected; returns a friend's number to send to.</summary>
    public async Task<string> CreateLinkedAsync(HttpClient http, string id)
    {
        var owner = NextPhone();
        var friend = NextPhone();
        await SimulatorPhones.CreateAccountAsync(Node.Simulator, owner);
        await SimulatorPhones.CreateAccountAsync(Node.Simulator, friend);
        await CreateSessionAsync(http, id);
        var qr = (await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/qr")).GetProperty("qr").GetString()!;
        await SimulatorPhones.ScanAsync(Node.Simulator, owner, qr);
        await WaitForJournalAsync(http, id, events => events.Any(e =>
            e.GetProperty("type").GetString() == "session.status" && e.GetProperty("payload").GetProperty("status").GetString() == "connected"), "connected");
        return friend;
    }

    public static async Task SendAsync(HttpClient http, string session, string to, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{session}/messages") { Content = JsonContent.Create(new { to, type = "text", text }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The session's journal through <c>/events</c> (one page: the tests' sessions hold far fewer than 1,000 events).</summary>
    public static async Task<List<JsonElement>> JournalAsync(HttpClient http, string session)
    {
        var page = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/events?limit=1000");
        return page.GetProperty("events").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public static async Task<List<JsonElement>> WaitForJournalAsync(HttpClient http, string session, Func<List<JsonElement>, bool> done, string what)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (true)
        {
            var events = await JournalAsync(http, session);
            if (done(events))
            {
                return events;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited {EdgeNode.Deadline} for {session}: {what}");
            await Task.Delay(100);
        }
    }

    private string NextPhone() => "1555077" + Interlocked.Increment(ref _phones).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
}
