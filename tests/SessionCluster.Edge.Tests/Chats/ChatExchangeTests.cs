using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>
/// The store after a 500-message exchange between a linked session and a simulator phone (200 in, then 250 out and 50
/// in at once): its chat, unread count and read receipts, its messages paged both ways with exact boundaries, and each
/// outbound message's status and history equal to the receipts the session recorded as events.
/// </summary>
public sealed class ChatExchangeTests(StoreNode store) : IClassFixture<StoreNode>
{
    private const string Owner = "15550301001";
    private const string Friend = "15550301002";
    private const string OwnerJid = Owner + "@s.whatsapp.net";
    private const string FriendJid = Friend + "@s.whatsapp.net";
    private const string Session = "exchange";

    [Fact]
    public async Task After_a_500_message_exchange_with_a_simulator_phone_chats_and_messages_page_both_ways_and_statuses_match_the_receipts()
    {
        var http = store.Http;
        await store.LinkAsync(http, Session, Owner);
        await SimulatorPhones.CreateAccountAsync(store.Node.Simulator, Friend);

        // 200 in: one chat, 200 unread, the friend a contact.
        var firstIn = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            firstIn.Add(await store.PhoneSendsAsync(Friend, OwnerJid, $"in {i:000}"));
        }

        var chat = await WaitForChatAsync(c => c.GetProperty("unreadCount").GetInt32() == 200, "200 unread");
        Assert.Equal("in", chat.GetProperty("lastMessage").GetProperty("direction").GetString());
        Assert.Equal("in 199", chat.GetProperty("lastMessage").GetProperty("text").GetString());
        var contacts = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/contacts");
        var friend = Assert.Single(contacts.GetProperty("contacts").EnumerateArray());
        Assert.Equal(FriendJid, friend.GetProperty("jid").GetString());
        Assert.Equal(FriendJid, friend.GetProperty("pn").GetString());

        // Read: receipts go to the friend's phone and the count is 0.
        using (var read = await http.PostAsync($"/v1/sessions/{Session}/chats/{FriendJid}:read", null))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(200, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        }

        Assert.Equal(0, (await WaitForChatAsync(_ => true, "the chat")).GetProperty("unreadCount").GetInt32());
        await StoreNode.WaitAsync(async () =>
        {
            using var phone = new HttpClient();
            var receipts = await phone.GetFromJsonAsync<JsonElement[]>($"{store.Node.Simulator.AdminUrl}/accounts/{Friend}/receipts");
            return receipts!.Any(r => r.GetProperty("type").GetString() == "read" && firstIn.Contains(r.GetProperty("id").GetString()!));
        }, "the friend's phone to get a read receipt");

        // 250 out and 50 in at the same time.
        var sends = Task.WhenAll(Enumerable.Range(0, 250).Select(i => store.SessionSendsAsync(http, Session, FriendJid, $"out {i:000}", $"exchange-{i}")));
        var laterIn = new List<string>();
        for (var i = 200; i < 250; i++)
        {
            laterIn.Add(await store.PhoneSendsAsync(Friend, OwnerJid, $"in {i:000}"));
        }

        var outIds = (await sends).ToHashSet();
        Assert.Equal(250, outIds.Count);

        // Every message stored, and every send delivered to the friend's phone.
        List<JsonElement> backward = [];
        await StoreNode.WaitAsync(async () =>
        {
            backward = await store.PagesBackwardAsync(http, Session, FriendJid, 37);
            var all = backward.SelectMany(p => p.GetProperty("messages").EnumerateArray()).ToList();
            return all.Count == 500 && all.Where(m => m.GetProperty("direction").GetString() == "out").All(m => m.GetProperty("status").GetString() is "delivered" or "read");
        }, "500 messages with every send delivered");

        // Backward: 13 full pages of 37 and the oldest page of 19, newest page first, each oldest-first inside.
        Assert.Equal([.. Enumerable.Repeat(37, 13), 19], backward.Select(p => p.GetProperty("messages").GetArrayLength()));
        Assert.False(backward[0].GetProperty("hasNewer").GetBoolean());
        Assert.All(backward.Skip(1), p => Assert.True(p.GetProperty("hasNewer").GetBoolean()));
        var messages = Enumerable.Reverse(backward).SelectMany(p => p.GetProperty("messages").EnumerateArray()).ToList();
        Assert.Equal(500, messages.Select(Id).Distinct().Count());
        for (var i = 1; i < messages.Count; i++)
        {
            Assert.True(Compare(messages[i - 1], messages[i]) < 0, $"messages {i - 1} and {i} are out of order");
        }

        Assert.Equal(firstIn.Concat(laterIn).Order(StringComparer.Ordinal), messages.Where(m => Direction(m) == "in").Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(outIds.Order(StringComparer.Ordinal), messages.Where(m => Direction(m) == "out").Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"in {i:000}"), messages.Where(m => Direction(m) == "in").Select(Text).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"out {i:000}"), messages.Where(m => Direction(m) == "out").Select(Text).Order(StringComparer.Ordinal));
        Assert.All(messages.Where(m => Direction(m) == "in"), m => Assert.Equal("received", m.GetProperty("status").GetString()));

        // Forward from the oldest: pages of 50 with no gap and no overlap, the same 499 after it, the last with nothing newer.
        var oldest = backward[^1];
        Assert.False(oldest.GetProperty("hasOlder").GetBoolean());
        var forward = await store.PagesForwardAsync(http, Session, FriendJid, oldest.GetProperty("older").GetString()!, 50);
        Assert.Equal([.. Enumerable.Repeat(50, 9), 49], forward.Select(p => p.GetProperty("messages").GetArrayLength()));
        Assert.Equal(messages.Skip(1).Select(Id), forward.SelectMany(p => p.GetProperty("messages").EnumerateArray()).Select(Id));
        Assert.All(forward, p => Assert.True(p.GetProperty("hasOlder").GetBoolean()));

        // Exact boundaries: a page after message k starts at k+1; before message k ends at k-1.
        foreach (var k in new[] { 0, 1, 36, 37, 250, 498 })
        {
            var cursorOfK = messages[k].GetProperty("cursor").GetString();
            var after = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{FriendJid}/messages?limit=3&after={cursorOfK}");
            Assert.Equal(messages.Skip(k + 1).Take(3).Select(Id), after.GetProperty("messages").EnumerateArray().Select(Id));
            var before = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{FriendJid}/messages?limit=3&before={cursorOfK}");
            Assert.Equal(messages.Take(k).TakeLast(3).Select(Id), before.GetProperty("messages").EnumerateArray().Select(Id));
            Assert.Equal(k > 3, before.GetProperty("hasOlder").GetBoolean());
        }

        // Past the newest: empty, the cursor echoed for the next poll.
        var newest = backward[0].GetProperty("newer").GetString();
        var beyond = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{FriendJid}/messages?after={newest}");
        Assert.Empty(beyond.GetProperty("messages").EnumerateArray());
        Assert.Equal(newest, beyond.GetProperty("newer").GetString());
        Assert.False(beyond.GetProperty("hasNewer").GetBoolean());

        // Statuses: each send's history is the session's message.status events for it, in order; its status the furthest.
        var events = await store.Node.EventsAsync(Session);
        var statusEvents = events.Where(e => e.GetProperty("type").GetString() == "message.status")
            .Select(e => e.GetProperty("payload"))
            .ToLookup(p => p.GetProperty("id").GetString()!, p => p.GetProperty("status").GetString()!);
        foreach (var id in outIds)
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/messages/{id}");
            var history = view.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToList();
            Assert.Equal(statusEvents[id], history);
            Assert.Equal("accepted", history[0]);
            Assert.Contains("delivered", history);
            Assert.Equal(view.GetProperty("status").GetString(), history.Contains("read") ? "read" : "delivered");
            Assert.Equal("out", view.GetProperty("direction").GetString());
            Assert.Equal(FriendJid, view.GetProperty("to").GetString());
        }

        var inbound = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/messages/{firstIn[7]}");
        Assert.Equal("in 007", inbound.GetProperty("text").GetString());
        Assert.Equal("received", inbound.GetProperty("status").GetString());
        // The simulator names senders by LID with the phone number beside it: the contact holds both.
        string?[] senderForms = [inbound.GetProperty("sender").GetString(), inbound.GetProperty("senderAlt").GetString()];
        Assert.Contains(FriendJid, senderForms);
        var lid = Assert.Single(senderForms, f => f!.EndsWith("@lid", StringComparison.Ordinal));
        Assert.Equal(lid, friend.GetProperty("lid").GetString());

        // One chat, its last message the newest stored.
        var chats = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats");
        var only = Assert.Single(chats.GetProperty("chats").EnumerateArray());
        Assert.Equal(FriendJid, only.GetProperty("jid").GetString());
        Assert.Null(chats.GetProperty("next").GetString());
    }

    private async Task<JsonElement> WaitForChatAsync(Func<JsonElement, bool> done, string what)
    {
        JsonElement found = default;
        await StoreNode.WaitAsync(async () =>
        {
            var chats = await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats");
            var chat = chats.GetProperty("chats").EnumerateArray().Where(c => c.GetProperty("jid").GetString() == FriendJid).ToList();
            found = chat.FirstOrDefault();
            return chat.Count == 1 && done(found);
        }, "the friend's chat: " + what);
        return found;
    }

    private static string Id(JsonElement m) => m.GetProperty("id").GetString()!;

    private static string Direction(JsonElement m) => m.GetProperty("direction").GetString()!;

    private static string Text(JsonElement m) => m.GetProperty("text").GetString()!;

    private static int Compare(JsonElement a, JsonElement b)
    {
        var byTime = a.GetProperty("at").GetDateTimeOffset().CompareTo(b.GetProperty("at").GetDateTimeOffset());
        return byTime != 0 ? byTime : string.CompareOrdinal(Id(a), Id(b));
    }
}
