using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Simulator;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>The API calls the webhook tests make against a node: a tenant of their own, webhooks, linked sessions, sends.</summary>
internal static class WebhookTestKit
{
    /// <summary>A new tenant and a client acting in it with a key of its own (a real API key, not the admin's).</summary>
    public static async Task<HttpClient> TenantAsync(HttpClient admin, string tenant)
    {
        using (var created = await admin.PostAsJsonAsync("/v1/admin/tenants", new { id = tenant }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"tenant {tenant}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        using var keyResponse = await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant}/keys", new { name = "webhook tests" });
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        var client = new HttpClient { BaseAddress = admin.BaseAddress, Timeout = EdgeNode.Deadline };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a webhook under <paramref name="path"/> (<c>/v1/webhooks</c> or a session's) and fails unless it is 201.</summary>
    public static async Task<JsonElement> CreateWebhookAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create webhook: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a session, links it with the simulator phone <paramref name="phone"/> by its QR, and waits for it to be connected.</summary>
    public static async Task LinkAsync(HttpClient http, SimulatorHost simulator, string session, string phone)
    {
        await SimulatorPhones.CreateAccountAsync(simulator, phone);
        using (var created = await http.PostAsJsonAsync("/v1/sessions", new { id = session }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"create {session}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var qr = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/qr");
        await SimulatorPhones.ScanAsync(simulator, phone, qr.GetProperty("qr").GetString()!);
        await WaitForEventsAsync(http, session, events => events.Any(e => e.GetProperty("type").GetString() == "session.status" &&
            e.GetProperty("payload").GetProperty("status").GetString() == "connected"), "the session to connect");
    }

    /// <summary>Sends a text through the API; the message id.</summary>
    public static async Task<string> SendTextAsync(HttpClient http, string session, string to, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{session}/messages") { Content = JsonContent.Create(new { to, type = "text", text }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The simulator phone <paramref name="from"/> sends a text to <paramref name="toPhone"/>'s account.</summary>
    public static async Task PhoneSendsAsync(SimulatorHost simulator, string from, string toPhone, string text)
    {
        using var http = new HttpClient { Timeout = EdgeNode.Deadline };
        using var response = await http.PostAsJsonAsync($"{simulator.AdminUrl}/accounts/{from}/messages", new { to = toPhone + "@s.whatsapp.net", text });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"phone send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every event of the session (pages of 1000).</summary>
    public static async Task<List<JsonElement>> EventsAsync(HttpClient http, string session)
    {
        var all = new List<JsonElement>();
        for (var after = 0L; ;)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/events?after={after}&limit=1000");
            var events = page.GetProperty("events").EnumerateArray().ToList();
            all.AddRange(events);
            if (events.Count < 1000)
            {
                return all;
            }

            after = page.GetProperty("next").GetInt64();
        }
    }

    public static async Task<List<JsonElement>> WaitForEventsAsync(HttpClient http, string session, Func<List<JsonElement>, bool> done, string what)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (true)
        {
            var events = await EventsAsync(http, session);
            if (done(events))
            {
                return events;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited {EdgeNode.Deadline} for {what} of {session}.");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// The webhook's delivery promise for one session, checked on what the receiver got in arrival order: every post
    /// signed; a post never for a seq beyond the next undelivered one (in order, no gap); a seq posted again only with
    /// the same X-Webhook-Id and body (a duplicate); and at the end exactly the session's events, ids matching.
    /// Returns how many duplicates there were.
    /// </summary>
    public static int AssertDeliveredInOrder(IReadOnlyList<ReceivedPost> posts, string session, IReadOnlyList<JsonElement> events)
    {
        var mine = posts.Where(p => p.Session == session).ToList();
        Assert.All(mine, p => Assert.True(p.SignatureValid, $"seq {p.Seq}: bad signature"));
        var expected = events.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        var first = new Dictionary<long, ReceivedPost>();
        var next = 0;
        var duplicates = 0;
        foreach (var post in mine)
        {
            if (first.TryGetValue(post.Seq, out var earlier))
            {
                Assert.Equal(earlier.WebhookId, post.WebhookId);
                Assert.Equal(earlier.Body, post.Body);
                duplicates++;
                continue;
            }

            Assert.True(next < expected.Count && post.Seq == expected[next], $"{session}: seq {post.Seq} posted when seq {(next < expected.Count ? expected[next] : -1)} was next");
            var @event = events[next];
            Assert.Equal(@event.GetProperty("id").GetString(), post.WebhookId);
            Assert.Equal(@event.GetProperty("id").GetString(), post.Json.GetProperty("id").GetString());
            Assert.Equal(session, post.Json.GetProperty("session").GetString());
            first[post.Seq] = post;
            next++;
        }

        Assert.True(next == expected.Count, $"{session}: {next} of {expected.Count} events delivered");
        return duplicates;
    }
}
