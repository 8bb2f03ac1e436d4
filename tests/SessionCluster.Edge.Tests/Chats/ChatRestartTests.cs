using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>
/// The projector across a node restart: it resumes from the cursors stored with its rows, so nothing is applied twice
/// (a status step applied again would collide with its own row and stop the projection) and nothing is missed.
/// </summary>
public sealed class ChatRestartTests(StoreNode store) : IClassFixture<StoreNode>
{
    private const string Owner = "15550601001";
    private const string Friend = "15550601002";
    private const string FriendJid = Friend + "@s.whatsapp.net";
    private const string Session = "restarted";

    [Fact]
    public async Task After_a_node_restart_the_store_resumes_from_its_cursors_and_applies_each_event_once()
    {
        await store.LinkAsync(store.Http, Session, Owner);
        await SimulatorPhones.CreateAccountAsync(store.Node.Simulator, Friend);
        for (var i = 0; i < 20; i++)
        {
            await store.PhoneSendsAsync(Friend, Owner + "@s.whatsapp.net", $"in {i:000}");
        }

        var sent = await store.SessionSendsAsync(store.Http, Session, FriendJid, "out 000", "restart-0");
        await ExchangeAssertions.WaitForAllAsync(store, store.Http, Session, FriendJid, 21, "delivered");
        var actor = await store.ActorIdAsync("default", Session);
        var cursorBefore = await store.CountAsync("SELECT seq FROM store_cursors WHERE actor_id = @a", ("@a", actor));

        await store.Node.RestartAsync();
        await StoreNode.WaitAsync(async () =>
            (await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}")).GetProperty("status").GetString() == "connected", "the session to connect again");
        for (var i = 20; i < 25; i++)
        {
            await store.PhoneSendsAsync(Friend, Owner + "@s.whatsapp.net", $"in {i:000}");
        }

        var messages = await ExchangeAssertions.WaitForAllAsync(store, store.Http, Session, FriendJid, 26, "delivered");
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"in {i:000}"), messages.Where(m => m.GetProperty("direction").GetString() == "in").Select(m => m.GetProperty("text").GetString()).Order(StringComparer.Ordinal));
        var chat = Assert.Single((await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats")).GetProperty("chats").EnumerateArray());
        Assert.Equal(25, chat.GetProperty("unreadCount").GetInt32());
        await ExchangeAssertions.AssertStatusesMatchReceiptsAsync(store, store.Http, Session, FriendJid, [sent], "delivered");
        var events = await store.Node.EventsAsync(Session);
        Assert.Equal(events.Count(e => e.GetProperty("type").GetString() == "message.status"), await store.CountAsync("SELECT COUNT(*) FROM store_statuses WHERE actor_id = @a", ("@a", actor)));
        Assert.True(await store.CountAsync("SELECT seq FROM store_cursors WHERE actor_id = @a", ("@a", actor)) > cursorBefore, "the cursor did not move after the restart");
    }
}
