using System.Net;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary><c>GET /v1/events/stream</c> through a real HttpClient: filters, the tenant's new sessions, heartbeats, bad filters.</summary>
public sealed class SseStreamTests(StreamsNode fixture) : IClassFixture<StreamsNode>
{
    private EdgeNode Node => fixture.Node;

    [Fact]
    public async Task A_stream_of_named_sessions_and_types_gives_only_those_with_session_seq_ids_and_type_names()
    {
        var (http, _) = await fixture.CreateTenantAsync("sse-filters");
        foreach (var id in new[] { "f-a", "f-b", "f-c" })
        {
            await StreamsNode.CreateSessionAsync(http, id);
        }

        await using var sse = await SseClient.OpenAsync(http, "?sessions=f-a,f-b&types=session.qr,session.status");
        foreach (var id in new[] { "f-c", "f-b", "f-a" })
        {
            using var qr = await http.GetAsync($"/v1/sessions/{id}/qr");
            Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        }

        var frames = await sse.ReadUntilAsync(f => f.Count(x => x.Event == "session.qr") >= 2);

        // f-c wrote its QR (and it came first): the filter, not chance, left it out.
        Assert.Contains(await StreamsNode.JournalAsync(http, "f-c"), e => e.GetProperty("type").GetString() == "session.qr");
        Assert.All(frames, f =>
        {
            Assert.Contains(f.Session, new[] { "f-a", "f-b" });
            Assert.Contains(f.Event, new[] { "session.qr", "session.status" });
            Assert.Equal($"{f.Session}:{f.Seq}", f.Id);
            Assert.Equal(f.Event, f.Data.GetProperty("type").GetString());
        });
        foreach (var id in new[] { "f-a", "f-b" })
        {
            // Every wanted event of the session so far, in journal order, from seq 1 (no after: the journal first).
            var journal = (await StreamsNode.JournalAsync(http, id)).Where(e => e.GetProperty("type").GetString() is "session.qr" or "session.status").ToList();
            var streamed = frames.Where(f => f.Session == id).ToList();
            Assert.Equal(journal.Select(e => e.GetProperty("id").GetString()).Take(streamed.Count), streamed.Select(f => f.Data.GetProperty("id").GetString()));
            Assert.Equal(1, streamed[0].Seq);
        }
    }

    [Fact]
    public async Task A_stream_without_sessions_follows_every_session_of_the_tenant_and_sessions_created_after_it_opened()
    {
        var (http, _) = await fixture.CreateTenantAsync("sse-all");
        await StreamsNode.CreateSessionAsync(http, "before");
        await using var sse = await SseClient.OpenAsync(http, "?types=session.status");

        var first = await sse.NextAsync();
        Assert.Equal("before:1", first.Id);

        await StreamsNode.CreateSessionAsync(http, "after");
        var second = await sse.NextAsync();
        Assert.Equal("after:1", second.Id);
        Assert.Equal("new", second.Data.GetProperty("payload").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Several_sessions_resume_from_after_pairs_and_Last_Event_ID_moves_its_own_session_on()
    {
        var (http, _) = await fixture.CreateTenantAsync("sse-after");
        foreach (var id in new[] { "r-a", "r-b" })
        {
            await StreamsNode.CreateSessionAsync(http, id);
            using var qr = await http.GetAsync($"/v1/sessions/{id}/qr");
        }

        var a = await StreamsNode.WaitForJournalAsync(http, "r-a", e => e.Count >= 3, "3 events");
        var b = await StreamsNode.WaitForJournalAsync(http, "r-b", e => e.Count >= 3, "3 events");

        // after=r-a:2,r-b:1 and Last-Event-ID r-b:2 (later than after= for r-b): r-a from 3, r-b from 3.
        await using var sse = await SseClient.OpenAsync(http, "?sessions=r-a,r-b&after=r-a:2,r-b:1", lastEventId: "r-b:2");
        var frames = await sse.ReadUntilAsync(f => f.Any(x => x.Session == "r-a") && f.Any(x => x.Session == "r-b"));
        Assert.Equal("r-a:3", frames.First(f => f.Session == "r-a").Id);
        Assert.Equal("r-b:3", frames.First(f => f.Session == "r-b").Id);
        Assert.Equal(a[2].GetProperty("id").GetString(), frames.First(f => f.Session == "r-a").Data.GetProperty("id").GetString());
        Assert.Equal(b[2].GetProperty("id").GetString(), frames.First(f => f.Session == "r-b").Data.GetProperty("id").GetString());

        // One session: a bare after=SEQ.
        await using var one = await SseClient.OpenAsync(http, "?sessions=r-a&after=1");
        Assert.Equal("r-a:2", (await one.NextAsync()).Id);
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeat_comments()
    {
        await Node.CreateSessionAsync("idle");
        await using var sse = await SseClient.OpenAsync(Node.Http, "?sessions=idle&after=1");

        // The session is idle after its first event: what the stream reads next must be heartbeats, until it is cut.
        var reading = sse.NextOrEndAsync();
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (sse.Comments < 2)
        {
            Assert.True(DateTime.UtcNow < until, "no two heartbeats within the deadline");
            Assert.False(reading.IsCompleted, "an idle stream gave an event or ended");
            await Task.Delay(100);
        }
    }

    [Theory]
    [InlineData("?types=", "invalid_request")]
    [InlineData("?types=message.received,message.nope", "invalid_request")]
    [InlineData("?sessions=", "invalid_request")]
    [InlineData("?sessions=..", "invalid_request")]
    [InlineData("?sessions=bad-1&sessions=bad-2", "invalid_request")]
    [InlineData("?sessions=bad-1,bad-2&after=3", "invalid_request")]
    [InlineData("?sessions=bad-1&after=-1", "invalid_request")]
    [InlineData("?sessions=bad-1&after=bad-1:x", "invalid_request")]
    [InlineData("?sessions=bad-1&after=bad-2:4", "invalid_request")]
    [InlineData("?sessions=bad-1&after=bad-1:1,bad-1:2", "invalid_request")]
    [InlineData("?after=3", "invalid_request")]
    [InlineData("?sessions=bad-1,never-made", "session_not_found")]
    [InlineData("?after=never-made:3", "session_not_found")]
    public async Task Bad_filters_are_answered_with_a_problem_before_any_stream_starts(string query, string code)
    {
        await CreateOnceAsync("bad-1");
        await CreateOnceAsync("bad-2");

        using var sse = await Node.Http.GetAsync("/v1/events/stream" + query, HttpCompletionOption.ResponseHeadersRead);
        await Problems.AssertAsync(sse, code == "session_not_found" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, code);

        Assert.Equal(code == "session_not_found" ? 404 : 400, await WsClient.RefusedStatusAsync(Node.Http.BaseAddress!, EdgeNode.AdminKey, query));
    }

    [Fact]
    public async Task A_bad_Last_Event_ID_is_400_and_a_websocket_route_asked_without_an_upgrade_is_400()
    {
        await CreateOnceAsync("bad-1");
        foreach (var lastEventId in new[] { "bad-1", "bad-1:", ":4", "bad-1:-2", "bad-2:4" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream?sessions=bad-1");
            request.Headers.Add("Last-Event-ID", lastEventId);
            using var response = await Node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        using var plain = await Node.Http.GetAsync("/v1/events/ws?sessions=bad-1");
        await Problems.AssertAsync(plain, HttpStatusCode.BadRequest, "invalid_request");

        using var anonymous = await Node.Anonymous.GetAsync("/v1/events/stream", HttpCompletionOption.ResponseHeadersRead);
        await Problems.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
    }

    private async Task CreateOnceAsync(string id)
    {
        using var existing = await Node.Http.GetAsync($"/v1/sessions/{id}");
        if (existing.StatusCode == HttpStatusCode.NotFound)
        {
            await Node.CreateSessionAsync(id);
        }
    }
}
