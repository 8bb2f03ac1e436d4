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

        // Every message stored, and every send delivered to the friend's phone; pages both ways; statuses equal the receipts.
        var messages = await ExchangeAssertions.WaitForAllAsync(store, http, Session, FriendJid, 500, "delivered");
        ExchangeAssertions.AssertTexts(messages, firstIn.Concat(laterIn), outIds, 250, 250);

        // Our sends send no read receipt: the 50 that came meanwhile are unread until read.
        Assert.Equal(50, (await WaitForChatAsync(c => c.GetProperty("unreadCount").GetInt32() == 50, "50 unread")).GetProperty("unreadCount").GetInt32());
        using (var readAgain = await http.PostAsync($"/v1/sessions/{Session}/chats/{FriendJid}:read", null))
        {
            Assert.Equal(50, (await readAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        }
        await ExchangeAssertions.AssertPagesBothWaysAsync(store, http, Session, FriendJid, messages);
        await ExchangeAssertions.AssertStatusesMatchReceiptsAsync(store, http, Session, FriendJid, outIds, "delivered");

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
}
