using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;

namespace SessionCluster.Edge.Tests.AppState;

/// <summary>
/// App-state sync between the session and a real Baileys companion of the same account (docs/PROTOCOL.md §14): what
/// Baileys writes with chatModify becomes the session's chat events, what the session writes through REST (archive, the
/// bodiless mark-read, pin, mute) passes Baileys' own MAC and LTHash checks (it emits chats.update only for a patch it
/// verified, with the field each action sets), and a patch with a wrong
/// MAC is refused by the session, which then still applies the next good one.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class AppStateBaileysTests(AppStateNode fixture, ITestOutputHelper output) : IClassFixture<AppStateNode>, IDisposable
{
    private const string Session = AppStateNode.Session;

    private EdgeNode Node => fixture.Node;

    private BaileysClient Baileys => fixture.Baileys;

    [Fact]
    public async Task A_chat_Baileys_archives_becomes_the_sessions_chat_archived_event()
    {
        const string chat = "15550612001@s.whatsapp.net";
        await WhenBaileysHasTheKeyAsync(() => Baileys.ChatModifyAsync(new { archive = true, lastMessages = Array.Empty<object>() }, chat));

        var events = await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, e => e.Any(x => Is(x, "chat.archived", chat)), "chat.archived from Baileys' patch");

        var archived = events.Single(x => Is(x, "chat.archived", chat));
        Assert.False(archived.GetProperty("payload").GetProperty("bySession").GetBoolean());
    }

    [Fact]
    public async Task What_the_session_writes_through_REST_archive_read_pin_and_mute_passes_Baileys_checks_and_shows_there()
    {
        const string chat = "15550612002@s.whatsapp.net";
        await WhenBaileysHasTheKeyAsync(() => Baileys.ChatModifyAsync(new { pin = true }, "15550612099@s.whatsapp.net"));
        // The bodiless :read marks the chats store's unread messages, so the chat must be there first.
        await SendTextAsync(chat, "to be read");
        await WaitForChatAsync(chat, _ => true, "the chat in the store");
        var mark = Baileys.Mark();

        using (var archived = await Node.Http.PostAsync($"/v1/sessions/{Session}/chats/{chat}:archive", null))
        {
            Assert.True(archived.StatusCode == HttpStatusCode.OK, await archived.Content.ReadAsStringAsync());
            var view = await archived.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((chat, "regular_low"), (view.GetProperty("chat").GetString(), view.GetProperty("collection").GetString()));
        }

        using (var read = await Node.Http.PostAsync($"/v1/sessions/{Session}/chats/{chat}:read", null))
        {
            Assert.True(read.StatusCode == HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
            Assert.True((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("synced").GetBoolean(), "markChatAsRead written");
        }

        foreach (var verb in new[] { "pin", "mute" })
        {
            using var changed = await Node.Http.PostAsync($"/v1/sessions/{Session}/chats/{chat}:{verb}", null);
            Assert.True(changed.StatusCode == HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        }

        // Baileys reads our patches on server_sync: decodePatches drops a patch whose MACs fail, so each chats.update is its
        // verdict (it may merge one chat's updates into one event). What processSyncAction makes of each action:
        // archiveChatAction → archived, markChatAsReadAction read → unreadCount 0, pinAction → pinned = the action's
        // timestamp, muteAction forever → muteEndTime -1.
        await BaileysChatUpdateAsync(chat, "archived", v => v.ValueKind == JsonValueKind.True, mark);
        await BaileysChatUpdateAsync(chat, "unreadCount", v => v.ValueKind == JsonValueKind.Number && v.GetInt64() == 0, mark);
        await BaileysChatUpdateAsync(chat, "pinned", v => v.ValueKind == JsonValueKind.Number && v.GetInt64() > 0, mark);
        await BaileysChatUpdateAsync(chat, "muteEndTime", v => v.ValueKind == JsonValueKind.Number && v.GetInt64() == -1, mark);
        Assert.DoesNotContain(fixture.Lines, l => l.Contains("LTHash verification failed", StringComparison.Ordinal) || l.Contains("failed to decode patch", StringComparison.Ordinal));
        await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, e => e.Any(x => Is(x, "chat.archived", chat) && x.GetProperty("payload").GetProperty("bySession").GetBoolean()), "the session's own chat.archived");
    }

    [Fact]
    public async Task A_patch_with_a_wrong_mac_is_refused_and_the_next_good_patch_still_applies()
    {
        const string chat = "15550612003@s.whatsapp.net";
        await WhenBaileysHasTheKeyAsync(() => Baileys.ChatModifyAsync(new { pin = true }, "15550612098@s.whatsapp.net"));
        using var admin = new HttpClient { Timeout = AppStateNode.Timeout };
        var url = $"{Node.Simulator.AdminUrl}/accounts/{AppStateNode.Phone}/app-state/regular_low";

        using (var tampered = await admin.PostAsJsonAsync(url, new { index = new[] { "pin_v1", chat }, value = new { pinAction = new { pinned = true } }, version = 5, tamper = "patchMac" }))
        {
            Assert.Equal(HttpStatusCode.Created, tampered.StatusCode);
        }

        using (var good = await admin.PostAsJsonAsync(url, new { index = new[] { "markChatAsRead", chat }, value = new { markChatAsReadAction = new { read = false } }, version = 3 }))
        {
            Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        }

        var events = await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, e => e.Any(x => Is(x, "chat.unread", chat)), "chat.unread from the good patch after the tampered one");
        Assert.DoesNotContain(events, x => Is(x, "chat.pinned", chat));
    }

    [Fact]
    public async Task Chat_settings_written_through_REST_show_in_the_chats_list()
    {
        const string chat = "15550612004@s.whatsapp.net";
        await WhenBaileysHasTheKeyAsync(() => Baileys.ChatModifyAsync(new { pin = true }, "15550612097@s.whatsapp.net"));
        await SendTextAsync(chat, "hello");
        await WaitForChatAsync(chat, _ => true, "the chat in the store");
        foreach (var verb in new[] { "archive", "pin", "mute" })
        {
            using var changed = await Node.Http.PostAsync($"/v1/sessions/{Session}/chats/{chat}:{verb}", null);
            Assert.True(changed.StatusCode == HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        }

        var shown = await WaitForChatAsync(chat, c => c.GetProperty("archived").GetBoolean() && c.GetProperty("pinned").GetBoolean() && c.GetProperty("muted").GetBoolean(), "archived, pinned and muted");
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("mutedUntil").ValueKind);

        using (var unarchived = await Node.Http.PostAsync($"/v1/sessions/{Session}/chats/{chat}:unarchive", null))
        {
            Assert.Equal(HttpStatusCode.OK, unarchived.StatusCode);
        }

        await WaitForChatAsync(chat, c => !c.GetProperty("archived").GetBoolean() && c.GetProperty("pinned").GetBoolean(), "unarchived, still pinned");
    }

    public void Dispose()
    {
        while (fixture.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }

    private async Task<JsonElement> WaitForChatAsync(string jid, Func<JsonElement, bool> done, string what)
    {
        var until = DateTime.UtcNow + AppStateNode.Timeout;
        while (true)
        {
            var page = await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats");
            var found = page.GetProperty("chats").EnumerateArray().Where(c => c.GetProperty("jid").GetString() == jid).ToList();
            if (found.Count == 1 && done(found[0]))
            {
                return found[0];
            }

            Assert.True(DateTime.UtcNow < until, $"{what}: not seen in time");
            await Task.Delay(200);
        }
    }

    private async Task SendTextAsync(string chat, string text)
    {
        using var sent = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/messages") { Content = JsonContent.Create(new { to = chat, type = "text", text }) };
        sent.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await Node.Http.SendAsync(sent);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Waits for a Baileys <c>chats.update</c> after <paramref name="since"/> whose update of <paramref name="chat"/> has <paramref name="field"/> as <paramref name="expected"/> says.</summary>
    private Task<BaileysOtherEvent> BaileysChatUpdateAsync(string chat, string field, Func<JsonElement, bool> expected, int since) =>
        Baileys.WaitForEventAsync<BaileysOtherEvent>(
            e => e.Name == "chats" && ChatUpdates(e).Any(u => u.GetProperty("id").GetString() == chat && u.TryGetProperty(field, out var v) && expected(v)),
            $"Baileys' chats.update {field} for the session's patch", AppStateNode.Timeout, since);

    private static bool Is(JsonElement e, string type, string chat) =>
        e.GetProperty("type").GetString() == type && e.GetProperty("payload").GetProperty("chat").GetString() == chat;

    private static IEnumerable<JsonElement> ChatUpdates(BaileysEvent e) =>
        e.Data.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray() : [];

    /// <summary>
    /// The phone shares its app-state key with every companion; Baileys can write only once it holds it ("App state key
    /// not present!" until then), so <paramref name="write"/> is tried until it goes through.
    /// </summary>
    private async Task WhenBaileysHasTheKeyAsync(Func<Task> write)
    {
        using (var admin = new HttpClient { Timeout = AppStateNode.Timeout })
        using (var shared = await admin.PostAsync($"{Node.Simulator.AdminUrl}/accounts/{AppStateNode.Phone}/app-state/keys", null))
        {
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        }

        var until = DateTime.UtcNow + AppStateNode.Timeout;
        while (true)
        {
            try
            {
                await write();
                return;
            }
            catch (BaileysClientException e) when (e.Message.Contains("App state key not present", StringComparison.Ordinal) && DateTime.UtcNow < until)
            {
                await Task.Delay(250);
            }
        }
    }
}
