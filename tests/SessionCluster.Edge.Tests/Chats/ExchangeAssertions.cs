using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>What every exchange test checks of the store: all messages there, paged both ways with exact boundaries, statuses equal to the session's receipt events.</summary>
internal static class ExchangeAssertions
{
    private static readonly string[] Ranks = ["accepted", "sent", "delivered", "read", "played", "failed"];

    /// <summary>Waits until the chat holds <paramref name="total"/> messages and every outbound one reached <paramref name="atLeast"/>; all of them, oldest first.</summary>
    public static async Task<List<JsonElement>> WaitForAllAsync(StoreNode store, HttpClient http, string session, string chat, int total, string atLeast)
    {
        List<JsonElement> all = [];
        await StoreNode.WaitAsync(async () =>
        {
            all = Enumerable.Reverse(await store.PagesBackwardAsync(http, session, chat, 100)).SelectMany(p => p.GetProperty("messages").EnumerateArray()).ToList();
            return all.Count == total && all.Where(m => Direction(m) == "out").All(m => Rank(m.GetProperty("status").GetString()!) >= Rank(atLeast));
        }, $"{total} messages with every send {atLeast}", () =>
            $"{all.Count} messages; " + string.Join(", ", all.GroupBy(m => Direction(m) + " " + m.GetProperty("status").GetString()).Select(g => $"{g.Key}: {g.Count()}")));
        return all;
    }

    /// <summary>The inbound ids are <paramref name="inIds"/> with texts <c>in 000</c>..., the outbound <paramref name="outIds"/> with <c>out 000</c>...</summary>
    public static void AssertTexts(List<JsonElement> messages, IEnumerable<string> inIds, IEnumerable<string> outIds, int inCount, int outCount)
    {
        Assert.Equal(inIds.Order(StringComparer.Ordinal), messages.Where(m => Direction(m) == "in").Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(outIds.Order(StringComparer.Ordinal), messages.Where(m => Direction(m) == "out").Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, inCount).Select(i => $"in {i:000}"), messages.Where(m => Direction(m) == "in").Select(Text).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, outCount).Select(i => $"out {i:000}"), messages.Where(m => Direction(m) == "out").Select(Text).Order(StringComparer.Ordinal));
        Assert.All(messages.Where(m => Direction(m) == "in"), m => Assert.Equal("received", m.GetProperty("status").GetString()));
    }

    /// <summary>
    /// Backward in pages of 37 and forward in pages of 50 read back exactly <paramref name="messages"/> (unique, in
    /// (at, id) order); a page after or before message k starts or ends right beside it; past the newest is empty.
    /// </summary>
    public static async Task AssertPagesBothWaysAsync(StoreNode store, HttpClient http, string session, string chat, List<JsonElement> messages)
    {
        var total = messages.Count;
        Assert.Equal(total, messages.Select(Id).Distinct().Count());
        for (var i = 1; i < total; i++)
        {
            Assert.True(Compare(messages[i - 1], messages[i]) < 0, $"messages {i - 1} and {i} are out of order");
        }

        var backward = await store.PagesBackwardAsync(http, session, chat, 37);
        Assert.Equal(Sizes(total, 37), backward.Select(p => p.GetProperty("messages").GetArrayLength()));
        Assert.False(backward[0].GetProperty("hasNewer").GetBoolean());
        Assert.All(backward.Skip(1), p => Assert.True(p.GetProperty("hasNewer").GetBoolean()));
        Assert.Equal(messages.Select(Id), Enumerable.Reverse(backward).SelectMany(p => p.GetProperty("messages").EnumerateArray()).Select(Id));

        var oldest = backward[^1];
        Assert.False(oldest.GetProperty("hasOlder").GetBoolean());
        var forward = await store.PagesForwardAsync(http, session, chat, oldest.GetProperty("older").GetString()!, 50);
        Assert.Equal(Sizes(total - 1, 50), forward.Select(p => p.GetProperty("messages").GetArrayLength()));
        Assert.Equal(messages.Skip(1).Select(Id), forward.SelectMany(p => p.GetProperty("messages").EnumerateArray()).Select(Id));
        Assert.All(forward, p => Assert.True(p.GetProperty("hasOlder").GetBoolean()));

        foreach (var k in new[] { 0, 1, 36, 37, total / 2, total - 2, total - 1 })
        {
            var cursor = messages[k].GetProperty("cursor").GetString();
            var after = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/chats/{chat}/messages?limit=3&after={cursor}");
            Assert.Equal(messages.Skip(k + 1).Take(3).Select(Id), after.GetProperty("messages").EnumerateArray().Select(Id));
            Assert.Equal(k + 4 < total, after.GetProperty("hasNewer").GetBoolean());
            var before = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/chats/{chat}/messages?limit=3&before={cursor}");
            Assert.Equal(messages.Take(k).TakeLast(3).Select(Id), before.GetProperty("messages").EnumerateArray().Select(Id));
            Assert.Equal(k > 3, before.GetProperty("hasOlder").GetBoolean());
        }

        var newest = backward[0].GetProperty("newer").GetString();
        var beyond = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/chats/{chat}/messages?after={newest}");
        Assert.Empty(beyond.GetProperty("messages").EnumerateArray());
        Assert.Equal(newest, beyond.GetProperty("newer").GetString());
        Assert.False(beyond.GetProperty("hasNewer").GetBoolean());
    }

    /// <summary>
    /// Each send's history in the store is the session's <c>message.status</c> events for it (the receipts as the session
    /// recorded them), in order, starting with accepted and reaching <paramref name="atLeast"/>; its status the furthest.
    /// </summary>
    public static async Task AssertStatusesMatchReceiptsAsync(StoreNode store, HttpClient http, string session, string chat, IEnumerable<string> outIds, string atLeast)
    {
        var events = await store.Node.EventsAsync(session);
        var receipts = events.Where(e => e.GetProperty("type").GetString() == "message.status")
            .Select(e => e.GetProperty("payload"))
            .ToLookup(p => p.GetProperty("id").GetString()!, p => p.GetProperty("status").GetString()!);
        foreach (var id in outIds)
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/messages/{id}");
            var history = view.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToList();
            Assert.Equal(receipts[id], history);
            Assert.Equal("accepted", history[0]);
            Assert.Contains(atLeast, history);
            Assert.Equal(history.MaxBy(Rank), view.GetProperty("status").GetString());
            Assert.Equal("out", view.GetProperty("direction").GetString());
            Assert.Equal(chat, view.GetProperty("to").GetString());
        }
    }

    /// <summary>The sizes of the pages <paramref name="total"/> items make in pages of <paramref name="size"/>, first to last.</summary>
    private static IEnumerable<int> Sizes(int total, int size) =>
        Enumerable.Repeat(size, total / size).Concat(total % size == 0 ? [] : [total % size]);

    private static int Rank(string status) => Array.IndexOf(Ranks, status);

    public static string Id(JsonElement m) => m.GetProperty("id").GetString()!;

    private static string Direction(JsonElement m) => m.GetProperty("direction").GetString()!;

    private static string Text(JsonElement m) => m.GetProperty("text").GetString()!;

    private static int Compare(JsonElement a, JsonElement b)
    {
        var byTime = a.GetProperty("at").GetDateTimeOffset().CompareTo(b.GetProperty("at").GetDateTimeOffset());
        return byTime != 0 ? byTime : string.CompareOrdinal(Id(a), Id(b));
    }
}
