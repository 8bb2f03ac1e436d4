using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests;

/// <summary>
/// A session linked through the API and the simulator's phone, then a text sent through the API: QR JSON, the
/// connected status in the events, idempotent sends that reach the other phone, and events paged by after/limit.
/// One session walks the whole story because linking is the slow part; each step asserts what it shows.
/// </summary>
public sealed class LinkAndSendTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550001001";
    private const string Friend = "15550002002";

    [Fact]
    public async Task A_session_linked_by_the_qr_route_connects_sends_once_per_idempotency_key_and_pages_its_events()
    {
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await node.CreateSessionAsync("linked");

        // Not linked yet: a send is refused with a code, not accepted and lost.
        using (var early = await SendAsync("linked", "early-key", Friend, "too early"))
        {
            await Problems.AssertAsync(early, HttpStatusCode.Conflict, "session_not_linked");
        }

        using var qrResponse = await node.Http.GetAsync("/v1/sessions/linked/qr");
        Assert.Equal(HttpStatusCode.OK, qrResponse.StatusCode);
        Assert.Equal("application/json", qrResponse.Content.Headers.ContentType?.MediaType);
        var qr = await qrResponse.Content.ReadFromJsonAsync<QrJson>();
        Assert.False(string.IsNullOrEmpty(qr!.Qr));
        Assert.True(qr.ExpiresAt > DateTimeOffset.UtcNow, $"the QR expires at {qr.ExpiresAt:O}, already past");

        // Asked again while linking: the same QR (the link is not restarted).
        var again = await node.Http.GetFromJsonAsync<QrJson>("/v1/sessions/linked/qr");
        Assert.Equal(qr.Qr, again!.Qr);

        await SimulatorPhones.ScanAsync(node.Simulator, Owner, qr.Qr);
        var events = await node.WaitForEventsAsync("linked", e => e.Any(IsStatus("connected")), "session.status connected");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "session.qr" && e.GetProperty("payload").GetProperty("qr").GetString() == qr.Qr);

        using (var linkedQr = await node.Http.GetAsync("/v1/sessions/linked/qr"))
        {
            await Problems.AssertAsync(linkedQr, HttpStatusCode.Conflict, "session_linked");
        }

        var view = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/linked");
        Assert.Equal("connected", view.GetProperty("status").GetString());
        Assert.StartsWith(Owner, view.GetProperty("jid").GetString(), StringComparison.Ordinal);

        using var first = await SendAsync("linked", "key-1", "+" + Friend, "hello from the edge");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var accepted = await first.Content.ReadFromJsonAsync<SendJson>();
        Assert.Equal("accepted", accepted!.Status);
        Assert.Equal($"/v1/sessions/linked/messages/{accepted.Id}", accepted.StatusUrl);

        using var repeated = await SendAsync("linked", "key-1", "+" + Friend, "hello from the edge");
        Assert.Equal(HttpStatusCode.Accepted, repeated.StatusCode);
        Assert.Equal(accepted.Id, (await repeated.Content.ReadFromJsonAsync<SendJson>())!.Id);

        using var other = await SendAsync("linked", "key-2", Friend + "@s.whatsapp.net", "second text");
        Assert.NotEqual(accepted.Id, (await other.Content.ReadFromJsonAsync<SendJson>())!.Id);

        var received = await Eventually.WaitForAsync(
            () => SimulatorPhones.MessagesAsync(node.Simulator, Friend),
            messages => messages.Count(m => !m.SentCopy) >= 2,
            "the friend's phone to receive both texts");
        var texts = received.Where(m => !m.SentCopy).ToList();
        Assert.Single(texts, m => m.Id == accepted.Id && m.Text == "hello from the edge");
        Assert.Single(texts, m => m.Text == "second text");

        await node.WaitForEventsAsync("linked",
            e => e.Any(x => x.GetProperty("type").GetString() == "message.status" && x.GetProperty("payload").GetProperty("id").GetString() == accepted.Id),
            "a message.status for the send");

        // The statusUrl answers: accepted first, then what the server and the friend's phone reported.
        var status = await Eventually.WaitForAsync(
            () => node.Http.GetFromJsonAsync<JsonElement>(accepted.StatusUrl),
            s => s.GetProperty("status").GetString() is "delivered" or "read",
            "the send to be delivered");
        Assert.Equal(accepted.Id, status.GetProperty("id").GetString());
        Assert.Equal(Friend + "@s.whatsapp.net", status.GetProperty("to").GetString());
        var history = status.GetProperty("statusHistory").EnumerateArray().Select(h => h.GetProperty("status").GetString()).ToList();
        Assert.Equal("accepted", history[0]);
        Assert.Contains("sent", history);
        using (var unknownMessage = await node.Http.GetAsync("/v1/sessions/linked/messages/3EB0000000000000000000"))
        {
            await Problems.AssertAsync(unknownMessage, HttpStatusCode.NotFound, "message_not_found");
        }

        await AssertPagingAsync("linked");
    }

    [Fact]
    public async Task A_send_without_an_idempotency_key_or_with_bad_fields_is_400_and_nothing_is_sent()
    {
        await node.CreateSessionAsync("send-checks");

        using (var noKey = await node.Http.PostAsJsonAsync("/v1/sessions/send-checks/messages", new { to = Friend, type = "text", text = "x" }))
        {
            await Problems.AssertAsync(noKey, HttpStatusCode.BadRequest, "invalid_request");
        }

        foreach (var body in new object[]
        {
            new { to = Friend, type = "image", text = "x" },
            new { to = Friend, type = "text", text = "" },
            new { to = "not-a-number", type = "text", text = "x" },
            new { to = "123@g.us", type = "text", text = "x" },
            new { to = Friend, type = "fax", text = "x" },
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/send-checks/messages") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "checks");
            using var response = await node.Http.SendAsync(request);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        // Files and reactions: every field is checked before anything is fetched or asked of the session.
        foreach (var (body, says) in new (object Body, string Says)[]
        {
            (new { to = Friend, type = "image" }, "exactly one of url, base64 and uploadId"),
            (new { to = Friend, type = "image", media = new { url = "https://example.com/a.jpg", base64 = "AAAA" } }, "exactly one of url, base64 and uploadId"),
            (new { to = Friend, type = "image", media = new { base64 = "not base64!" } }, "not base64"),
            (new { to = Friend, type = "image", media = new { base64 = "" } }, "no bytes"),
            (new { to = Friend, type = "image", media = new { url = "ftp://example.com/a.jpg" } }, "http or https"),
            (new { to = Friend, type = "image", media = new { url = "/relative.jpg" } }, "http or https"),
            (new { to = Friend, type = "sticker", media = new { base64 = "AAAA", caption = "no" } }, "no caption"),
            (new { to = Friend, type = "voice", media = new { base64 = "AAAA", caption = "no" } }, "no caption"),
            (new { to = Friend, type = "document", media = new { base64 = "AAAA", filename = "../etc/passwd" } }, "without slashes"),
            (new { to = Friend, type = "image", media = new { base64 = "AAAA", mimetype = "jpeg" } }, "media type"),
            (new { to = Friend, type = "reaction", reaction = new { emoji = "x" } }, "reaction.messageId"),
            (new { to = Friend, type = "reaction", reaction = new { messageId = "3EB0", emoji = new string('x', 65) } }, "at most 64"),
            // The links below are never fetched: the default node refuses non-public addresses.
            (new { to = Friend, type = "image", media = new { url = "http://127.0.0.1:9/a.jpg" } }, "public hosts"),
            (new { to = Friend, type = "document", media = new { url = "http://169.254.169.254/latest/meta-data/" } }, "public hosts"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/send-checks/messages") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "checks");
            using var response = await node.Http.SendAsync(request);
            var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
            Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // A file from a session that is not linked: refused before any upload.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/send-checks/messages")
        {
            Content = JsonContent.Create(new { to = Friend, type = "image", media = new { base64 = Convert.ToBase64String(new byte[100]) } }),
        })
        {
            request.Headers.Add("Idempotency-Key", "checks-file");
            using var response = await node.Http.SendAsync(request);
            await Problems.AssertAsync(response, HttpStatusCode.Conflict, "session_not_linked");
        }

        using var unknown = await SendAsync("nobody-to-send-as", "k", Friend, "x");
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task Qr_and_events_of_an_unknown_session_are_404_and_bad_paging_is_400()
    {
        using (var qr = await node.Http.GetAsync("/v1/sessions/nobody-qr/qr"))
        {
            await Problems.AssertAsync(qr, HttpStatusCode.NotFound, "session_not_found");
        }

        using (var events = await node.Http.GetAsync("/v1/sessions/nobody-events/events"))
        {
            await Problems.AssertAsync(events, HttpStatusCode.NotFound, "session_not_found");
        }

        await node.CreateSessionAsync("paging-checks");
        foreach (var query in new[] { "limit=0", "limit=1001", "limit=x", "after=-1", "after=1.5", "after=1&after=2" })
        {
            using var response = await node.Http.GetAsync($"/v1/sessions/paging-checks/events?{query}");
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }
    }

    /// <summary>Pages of 2 read back exactly the events one big page has, gapless from 1; past the end is empty with next = after.</summary>
    private async Task AssertPagingAsync(string id)
    {
        var whole = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/events?limit=1000");
        var all = whole.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all);
        Assert.True(all.Count > 4, $"only {all.Count} events");

        var defaultPage = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/events");
        Assert.Equal(Math.Min(all.Count, 100), defaultPage.GetProperty("events").GetArrayLength());

        var paged = new List<long>();
        var after = 0L;
        while (true)
        {
            var page = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/events?after={after}&limit=2");
            var seqs = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
            Assert.True(seqs.Count <= 2);
            Assert.All(seqs, seq => Assert.True(seq > after, $"a page after {after} holds seq {seq}"));
            if (seqs.Count == 0)
            {
                Assert.Equal(after, page.GetProperty("next").GetInt64());
                break;
            }

            Assert.Equal(seqs[^1], page.GetProperty("next").GetInt64());
            paged.AddRange(seqs);
            after = seqs[^1];
        }

        Assert.Equal(all, paged.Take(all.Count));
        var middle = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/events?after=3&limit=1");
        var only = Assert.Single(middle.GetProperty("events").EnumerateArray().ToList());
        Assert.Equal(4, only.GetProperty("seq").GetInt64());
        Assert.True(Guid.TryParse(only.GetProperty("id").GetString(), out _));
        Assert.True(only.TryGetProperty("at", out _));
        Assert.True(only.TryGetProperty("payload", out _));
    }

    private async Task<HttpResponseMessage> SendAsync(string session, string key, string to, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{session}/messages") { Content = JsonContent.Create(new { to, type = "text", text }) };
        request.Headers.Add("Idempotency-Key", key);
        return await node.Http.SendAsync(request);
    }

    private static Func<JsonElement, bool> IsStatus(string status) =>
        e => e.GetProperty("type").GetString() == "session.status" && e.GetProperty("payload").GetProperty("status").GetString() == status;

    private sealed record QrJson(string Qr, DateTimeOffset ExpiresAt);

    private sealed record SendJson(string Id, string Status, string StatusUrl);
}
