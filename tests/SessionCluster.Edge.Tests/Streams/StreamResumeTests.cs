using System.Text.Json;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary>
/// A stream cut in the middle of a linked session's sends and opened again from what the client had (SSE's
/// Last-Event-ID, the WebSocket's after=) gives every event exactly once: the journal's sequence with no gap and no
/// duplicate, events written while no stream was open included.
/// </summary>
public sealed class StreamResumeTests(StreamsNode fixture) : IClassFixture<StreamsNode>
{
    private const int Sends = 6;

    [Fact]
    public async Task An_sse_stream_cut_mid_stream_resumes_from_Last_Event_ID_with_no_gap_and_no_duplicate()
    {
        var (http, _) = await fixture.CreateTenantAsync("resume-sse");
        var friend = await fixture.CreateLinkedAsync(http, "cut-sse");
        var seqs = new List<long>();
        var ids = new List<string>();

        await using (var sse = await SseClient.OpenAsync(http, "?sessions=cut-sse"))
        {
            await SendHalfAsync(http, "cut-sse", friend, 0);
            var read = await sse.ReadUntilAsync(f => f.Count(IsAccepted) >= 1);
            seqs.AddRange(read.Select(f => f.Seq));
            ids.AddRange(read.Select(f => f.Id));
        }

        // Written while no stream is open.
        await SendHalfAsync(http, "cut-sse", friend, Sends / 2);
        var journal = await WaitForSendsAsync(http, "cut-sse");

        await using (var again = await SseClient.OpenAsync(http, "?sessions=cut-sse", lastEventId: ids[^1]))
        {
            var rest = await again.ReadUntilAsync(f => f.Count > 0 && f[^1].Seq >= journal[^1].GetProperty("seq").GetInt64());
            seqs.AddRange(rest.Select(f => f.Seq));
        }

        Assert.Equal(journal.Select(e => e.GetProperty("seq").GetInt64()), seqs.Take(journal.Count));
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task A_websocket_cut_mid_stream_resumes_from_after_with_no_gap_and_no_duplicate()
    {
        var (http, key) = await fixture.CreateTenantAsync("resume-ws");
        var friend = await fixture.CreateLinkedAsync(http, "cut-ws");
        var node = http.BaseAddress!;
        var seqs = new List<long>();

        using (var ws = await WsClient.ConnectAsync(node, key, "?sessions=cut-ws"))
        {
            await SendHalfAsync(http, "cut-ws", friend, 0);
            var read = await ws.ReadUntilAsync(e => e.Count(IsAccepted) >= 1);
            seqs.AddRange(read.Select(e => e.GetProperty("seq").GetInt64()));

            // Cut without a close handshake, like a dropped connection.
            ws.Socket.Abort();
        }

        await SendHalfAsync(http, "cut-ws", friend, Sends / 2);
        var journal = await WaitForSendsAsync(http, "cut-ws");
        var last = journal[^1].GetProperty("seq").GetInt64();

        using (var again = await WsClient.ConnectAsync(node, key, $"?sessions=cut-ws&after={seqs[^1]}"))
        {
            var rest = await again.ReadUntilAsync(e => e.Count > 0 && e[^1].GetProperty("seq").GetInt64() >= last);
            seqs.AddRange(rest.Select(e => e.GetProperty("seq").GetInt64()));
            Assert.All(rest, e => Assert.Equal("cut-ws", e.GetProperty("session").GetString()));
        }

        Assert.Equal(journal.Select(e => e.GetProperty("seq").GetInt64()), seqs.Take(journal.Count));
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    private static async Task SendHalfAsync(HttpClient http, string session, string friend, int from)
    {
        for (var i = from; i < from + Sends / 2; i++)
        {
            await StreamsNode.SendAsync(http, session, friend, $"text {i}");
        }
    }

    /// <summary>The journal once every send was accepted (what the resumed stream must reach).</summary>
    private static Task<List<JsonElement>> WaitForSendsAsync(HttpClient http, string session) =>
        StreamsNode.WaitForJournalAsync(http, session, events => events.Count(IsAccepted) == Sends, $"{Sends} accepted sends");

    private static bool IsAccepted(SseFrame frame) => IsAccepted(frame.Data);

    private static bool IsAccepted(JsonElement e) =>
        e.GetProperty("type").GetString() == "message.status" && e.GetProperty("payload").GetProperty("status").GetString() == "accepted";
}
