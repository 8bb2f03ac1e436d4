using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>
/// The store's retention, deletion, tenant isolation and input checks through a real node. Rows are planted in the
/// node's edge database where a test needs them aged (messages of two days ago) or needs no linked phone.
/// </summary>
public sealed class ChatStoreTests(StoreNode store) : IClassFixture<StoreNode>
{
    private const string Peer = "15550401009@s.whatsapp.net";
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private static readonly long TwoDaysAgo = Now - (long)TimeSpan.FromDays(2).TotalMilliseconds;
    private static readonly long HalfADayAgo = Now - (long)TimeSpan.FromHours(12).TotalMilliseconds;

    [Fact]
    public async Task Retention_deletes_the_tenants_messages_older_than_its_days_with_their_statuses_and_nothing_else()
    {
        using var dayTenant = await store.TenantAsync("keep-a-day", retentionDays: 1);
        await CreateAsync(dayTenant, "kept");
        await store.Node.CreateSessionAsync("kept");
        var day = await store.ActorIdAsync("keep-a-day", "kept");
        var forever = await store.ActorIdAsync("default", "kept");
        foreach (var actor in new[] { day, forever })
        {
            await PlantAsync(actor, "OLD1", TwoDaysAgo, "two days old");
            await PlantAsync(actor, "NEW1", HalfADayAgo, "half a day old");
        }

        await StoreNode.WaitAsync(async () => await CountAsync("store_messages", day) == 1, "the sweep to delete the two-day-old message");

        // The one-day tenant: the old message and its status history gone; the recent one, the chat and the contact kept.
        Assert.Equal(1, await store.CountAsync("SELECT COUNT(*) FROM store_messages WHERE actor_id = @a AND id = 'NEW1'", ("@a", day)));
        Assert.Equal(0, await store.CountAsync("SELECT COUNT(*) FROM store_statuses WHERE actor_id = @a AND message_id = 'OLD1'", ("@a", day)));
        Assert.Equal(2, await store.CountAsync("SELECT COUNT(*) FROM store_statuses WHERE actor_id = @a AND message_id = 'NEW1'", ("@a", day)));
        Assert.Equal(1, await CountAsync("store_chats", day));
        Assert.Equal(1, await CountAsync("store_contacts", day));

        // The default tenant keeps everything: nothing of its session was touched.
        Assert.Equal(2, await CountAsync("store_messages", forever));
        Assert.Equal(4, await CountAsync("store_statuses", forever));

        // Through the API: the tenant sees the recent message only, and the old one is a 404.
        var page = await dayTenant.GetFromJsonAsync<JsonElement>($"/v1/sessions/kept/chats/{Peer}/messages");
        Assert.Equal(["NEW1"], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        using (var old = await dayTenant.GetAsync("/v1/sessions/kept/messages/OLD1"))
        {
            await Problems.AssertAsync(old, HttpStatusCode.NotFound, "message_not_found");
        }

        var recent = await dayTenant.GetFromJsonAsync<JsonElement>("/v1/sessions/kept/messages/NEW1");
        Assert.Equal(["accepted", "delivered"], recent.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        var all = await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/kept/chats/{Peer}/messages");
        Assert.Equal(["OLD1", "NEW1"], all.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_tenant_that_keeps_nothing_has_chats_and_contacts_but_no_message_content()
    {
        using var none = await store.TenantAsync("keep-none", retentionDays: 0);
        await store.LinkAsync(none, "bare", "15550401001");
        await SimulatorPhones.CreateAccountAsync(store.Node.Simulator, "15550401002");
        const string friend = "15550401002@s.whatsapp.net";
        for (var i = 0; i < 3; i++)
        {
            await store.PhoneSendsAsync("15550401002", "15550401001@s.whatsapp.net", $"secret {i}");
        }

        JsonElement chat = default;
        await StoreNode.WaitAsync(async () =>
        {
            var chats = (await none.GetFromJsonAsync<JsonElement>("/v1/sessions/bare/chats")).GetProperty("chats").EnumerateArray().ToList();
            chat = chats.FirstOrDefault();
            return chats.Count == 1 && chat.GetProperty("unreadCount").GetInt32() == 3;
        }, "the chat with 3 unread");
        Assert.Equal(friend, chat.GetProperty("jid").GetString());
        Assert.Equal(JsonValueKind.Null, chat.GetProperty("lastMessage").GetProperty("text").ValueKind);
        Assert.Empty((await none.GetFromJsonAsync<JsonElement>($"/v1/sessions/bare/chats/{friend}/messages")).GetProperty("messages").EnumerateArray());
        Assert.Equal(friend, Assert.Single((await none.GetFromJsonAsync<JsonElement>("/v1/sessions/bare/contacts")).GetProperty("contacts").EnumerateArray()).GetProperty("pn").GetString());

        var sent = await store.SessionSendsAsync(none, "bare", friend, "not kept", "bare-1");
        using (var status = await none.GetAsync($"/v1/sessions/bare/messages/{sent}"))
        {
            await Problems.AssertAsync(status, HttpStatusCode.NotFound, "message_not_found");
        }

        Assert.Equal(0, await CountAsync("store_messages", await store.ActorIdAsync("keep-none", "bare")));

        // Read resets the count (no ids are kept to name in a receipt).
        using var read = await none.PostAsync($"/v1/sessions/bare/chats/{friend}:read", null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await StoreNode.WaitAsync(async () =>
            (await none.GetFromJsonAsync<JsonElement>("/v1/sessions/bare/chats")).GetProperty("chats")[0].GetProperty("unreadCount").GetInt32() == 0, "unread 0");
    }

    [Fact]
    public async Task Deleting_a_session_deletes_its_store_rows_only_and_a_new_session_by_its_name_starts_empty()
    {
        await store.Node.CreateSessionAsync("doomed");
        await store.Node.CreateSessionAsync("survivor");
        var doomed = await store.ActorIdAsync("default", "doomed");
        var survivor = await store.ActorIdAsync("default", "survivor");
        await PlantAsync(doomed, "D1", HalfADayAgo, "to be deleted");
        await PlantAsync(survivor, "S1", HalfADayAgo, "to stay");
        Assert.Single((await store.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/doomed/chats")).GetProperty("chats").EnumerateArray());

        using (var deleted = await store.Http.DeleteAsync("/v1/sessions/doomed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        foreach (var table in new[] { "store_messages", "store_statuses", "store_chats", "store_contacts" })
        {
            Assert.Equal(0, await CountAsync(table, doomed));
        }

        Assert.Equal(long.MaxValue, await store.CountAsync("SELECT seq FROM store_cursors WHERE actor_id = @a", ("@a", doomed)));
        Assert.Equal(1, await CountAsync("store_messages", survivor));
        Assert.Equal(2, await CountAsync("store_statuses", survivor));

        await store.Node.CreateSessionAsync("doomed");
        Assert.Empty((await store.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/doomed/chats")).GetProperty("chats").EnumerateArray());
        Assert.Empty((await store.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/doomed/contacts")).GetProperty("contacts").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_key_gets_404_on_a_sessions_chats_messages_and_contacts_and_its_own_namesake_session_is_empty()
    {
        await store.Node.CreateSessionAsync("private-a");
        var a = await store.ActorIdAsync("default", "private-a");
        await PlantAsync(a, "A1", HalfADayAgo, "for tenant a only");
        using var b = await store.TenantAsync("tenant-b", retentionDays: null);

        foreach (var url in new[]
        {
            "/v1/sessions/private-a/chats", $"/v1/sessions/private-a/chats/{Peer}/messages", "/v1/sessions/private-a/contacts", "/v1/sessions/private-a/messages/A1",
        })
        {
            using var response = await b.GetAsync(url);
            var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
            Assert.DoesNotContain(Peer, problem.ToString(), StringComparison.Ordinal);
        }

        using (var read = await b.PostAsync($"/v1/sessions/private-a/chats/{Peer}:read", null))
        {
            await Problems.AssertAsync(read, HttpStatusCode.NotFound, "session_not_found");
        }

        await CreateAsync(b, "private-a");
        var chats = await b.GetStringAsync("/v1/sessions/private-a/chats");
        Assert.DoesNotContain(Peer, chats, StringComparison.Ordinal);
        Assert.Empty((await b.GetFromJsonAsync<JsonElement>($"/v1/sessions/private-a/chats/{Peer}/messages")).GetProperty("messages").EnumerateArray());
        Assert.Empty((await b.GetFromJsonAsync<JsonElement>("/v1/sessions/private-a/contacts")).GetProperty("contacts").EnumerateArray());
        using (var message = await b.GetAsync("/v1/sessions/private-a/messages/A1"))
        {
            await Problems.AssertAsync(message, HttpStatusCode.NotFound, "message_not_found");
        }

        // Tenant A still sees its own.
        Assert.Single((await store.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/private-a/chats")).GetProperty("chats").EnumerateArray());
    }

    [Fact]
    public async Task Chats_are_listed_by_last_activity_and_paged_by_cursor()
    {
        await store.Node.CreateSessionAsync("many-chats");
        var actor = await store.ActorIdAsync("default", "many-chats");
        for (var i = 0; i < 5; i++)
        {
            await PlantAsync(actor, $"C{i}", HalfADayAgo + (i * 1000), $"chat {i}", chat: $"1555040110{i}@s.whatsapp.net");
        }

        var first = await store.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/many-chats/chats?limit=2");
        var second = await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/many-chats/chats?limit=2&cursor={first.GetProperty("next").GetString()}");
        var third = await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/many-chats/chats?limit=2&cursor={second.GetProperty("next").GetString()}");
        var jids = new[] { first, second, third }.SelectMany(p => p.GetProperty("chats").EnumerateArray()).Select(c => c.GetProperty("jid").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"1555040110{i}@s.whatsapp.net"), jids);
        Assert.Equal(JsonValueKind.Null, third.GetProperty("next").ValueKind);
        var newest = first.GetProperty("chats")[0];
        Assert.Equal("chat 4", newest.GetProperty("lastMessage").GetProperty("text").GetString());
        Assert.Equal(2, newest.GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task Bad_paging_bad_jids_and_unknown_chats_are_problems_with_codes()
    {
        await store.Node.CreateSessionAsync("checks");
        foreach (var url in new[]
        {
            "/v1/sessions/checks/chats?limit=0", "/v1/sessions/checks/chats?limit=501", "/v1/sessions/checks/chats?limit=x", "/v1/sessions/checks/chats?cursor=nope",
            $"/v1/sessions/checks/chats/{Peer}/messages?before=MTow&after=MTow", $"/v1/sessions/checks/chats/{Peer}/messages?before=MTow&before=MTow",
            $"/v1/sessions/checks/chats/{Peer}/messages?after=%25%25", "/v1/sessions/checks/chats/not-a-jid/messages", "/v1/sessions/checks/contacts?cursor=x",
            "/v1/sessions/checks/contacts?limit=-1", "/v1/sessions/checks/messages/not-an-id!",
        })
        {
            using var response = await store.Http.GetAsync(url);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var unknownChat = await store.Http.PostAsync($"/v1/sessions/checks/chats/{Peer}:read", null))
        {
            await Problems.AssertAsync(unknownChat, HttpStatusCode.NotFound, "chat_not_found");
        }

        using (var unknownSession = await store.Http.GetAsync("/v1/sessions/nobody-here/chats"))
        {
            await Problems.AssertAsync(unknownSession, HttpStatusCode.NotFound, "session_not_found");
        }

        // A well-formed cursor past everything: an empty page, not an error.
        var empty = await store.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/checks/chats/{Peer}/messages?after=MTow");
        Assert.Empty(empty.GetProperty("messages").EnumerateArray());
    }

    private static async Task CreateAsync(HttpClient http, string id)
    {
        using var created = await http.PostAsJsonAsync("/v1/sessions", new { id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private Task<long> CountAsync(string table, string actor) => store.CountAsync($"SELECT COUNT(*) FROM {table} WHERE actor_id = @a", ("@a", actor));

    /// <summary>An outbound message to <paramref name="chat"/> with two statuses, its chat (2 unread) and a contact, as the projector would write them.</summary>
    private async Task PlantAsync(string actor, string id, long at, string text, string chat = Peer)
    {
        await store.ExecuteAsync("INSERT INTO store_messages (actor_id, chat, id, direction, type, text, at, status) VALUES (@a, @c, @id, 'out', 'text', @text, @at, 3)",
            ("@a", actor), ("@c", chat), ("@id", id), ("@text", text), ("@at", at));
        await store.ExecuteAsync("INSERT INTO store_statuses (actor_id, seq, chat, message_id, status, at) VALUES (@a, @seq, @c, @id, 1, @at), (@a, @seq + 1, @c, @id, 3, @at)",
            ("@a", actor), ("@seq", at), ("@c", chat), ("@id", id), ("@at", at));
        await store.ExecuteAsync(
            "INSERT INTO store_chats (actor_id, jid, last_message_id, last_direction, last_at, unread) VALUES (@a, @c, @id, 'out', @at, 2) " +
            "ON CONFLICT (actor_id, jid) DO UPDATE SET last_message_id = excluded.last_message_id, last_at = excluded.last_at",
            ("@a", actor), ("@c", chat), ("@id", id), ("@at", at));
        await store.ExecuteAsync("INSERT INTO store_contacts (actor_id, jid, pn, updated_at) VALUES (@a, @c, @c, @at) ON CONFLICT (actor_id, jid) DO NOTHING",
            ("@a", actor), ("@c", chat), ("@at", at));
    }
}
