using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Edge.Tests.Linking;
using SessionCluster.Simulator.Phone;

namespace SessionCluster.Edge.Tests.Capabilities;

/// <summary>Settings, presence, contact checks and restart through the API, against a session linked to the simulator's phone.</summary>
public sealed class SessionCapabilityRoutesTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550007001";
    private const string Friend = "15550007002";

    [Fact]
    public async Task Settings_change_through_patch_apply_without_a_restart_show_on_the_session_and_are_the_event_session_settings()
    {
        await node.CreateSessionAsync("settings");
        var before = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/settings");
        Assert.False(before.GetProperty("settings").GetProperty("readReceipts").GetBoolean());

        using var patched = await node.Http.PatchAsJsonAsync("/v1/sessions/settings",
            new { readReceipts = true, rejectCalls = true, ignore = new { groups = true }, sendRate = new { perSecond = 1.0, burst = 5 } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var view = await patched.Content.ReadFromJsonAsync<JsonElement>();
        var settings = view.GetProperty("settings");
        Assert.True(settings.GetProperty("readReceipts").GetBoolean());
        Assert.True(settings.GetProperty("rejectCalls").GetBoolean());
        Assert.True(settings.GetProperty("ignore").GetProperty("groups").GetBoolean());
        Assert.False(settings.GetProperty("ignore").GetProperty("status").GetBoolean());
        Assert.Equal(5, settings.GetProperty("sendRate").GetProperty("burst").GetInt32());

        // Fields left out stay as they were.
        using (var second = await node.Http.PatchAsJsonAsync("/v1/sessions/settings", new { rejectCalls = false }))
        {
            var after = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("settings");
            Assert.True(after.GetProperty("readReceipts").GetBoolean());
            Assert.False(after.GetProperty("rejectCalls").GetBoolean());
        }

        var events = await node.EventsAsync("settings");
        Assert.Equal(2, events.Count(e => e.GetProperty("type").GetString() == "session.settings"));
    }

    [Theory]
    [InlineData("{\"sendRate\":{\"perSecond\":0,\"burst\":5}}")]
    [InlineData("{\"sendRate\":{\"perSecond\":51,\"burst\":5}}")]
    [InlineData("{\"sendRate\":{\"perSecond\":1,\"burst\":0}}")]
    [InlineData("{\"sendRate\":{\"perSecond\":1}}")]
    [InlineData("{\"proxy\":\"ftp://example.com:21\"}")]
    [InlineData("{\"proxy\":12}")]
    [InlineData("{\"readReceipts\":\"yes\"}")]
    [InlineData("{\"unknown\":true}")]
    public async Task Bad_settings_are_a_400_and_change_nothing(string json)
    {
        var id = "bad-settings-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))[..12];
        await node.CreateSessionAsync(id);
        var before = await node.EventsAsync(id);

        using var response = await node.Http.PatchAsync($"/v1/sessions/{id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(before.Count, (await node.EventsAsync(id)).Count);
    }

    [Fact]
    public async Task A_proxy_set_through_patch_is_never_shown_back_and_null_clears_it()
    {
        await node.CreateSessionAsync("proxied");
        using var set = await node.Http.PatchAsJsonAsync("/v1/sessions/proxied", new { proxy = "socks5://user:s3cret-pass@127.0.0.1:1080" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.DoesNotContain("s3cret-pass", await set.Content.ReadAsStringAsync());
        Assert.DoesNotContain("s3cret-pass", await node.Http.GetStringAsync("/v1/sessions/proxied/events"));

        using var cleared = await node.Http.PatchAsync("/v1/sessions/proxied", new StringContent("{\"proxy\":null}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
    }

    [Fact]
    public async Task Presence_a_presence_subscription_contact_checks_and_restart_work_for_a_linked_session()
    {
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await QrLinking.LinkAsync(node, "capable", Owner);

        using (var available = await node.Http.PostAsJsonAsync("/v1/sessions/capable/presence", new { state = "available" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, available.StatusCode);
        }

        using (var typing = await node.Http.PostAsJsonAsync($"/v1/sessions/capable/chats/{Friend}/presence", new { state = "composing" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, typing.StatusCode);
        }

        using var http = new HttpClient();
        await Eventually.WaitForAsync(
            async () => (await http.GetFromJsonAsync<PhoneChatstate[]>($"{node.Simulator.AdminUrl}/accounts/{Friend}/chatstates"))!,
            states => states.Any(s => s.State == "composing" && s.From.StartsWith(Owner, StringComparison.Ordinal)),
            "the friend's phone to see the session typing");

        // Subscribed, the friend's presence is an event now (never set: unavailable) and again when the friend's phone goes online.
        using (var subscribed = await node.Http.PostAsync($"/v1/sessions/capable/contacts/{Friend}/presence:subscribe", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, subscribed.StatusCode);
        }

        await node.WaitForEventsAsync("capable", e => FriendsPresence(e).Count == 1, "the friend's presence now");
        using (var online = await http.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/presence", new { type = "available" }))
        {
            Assert.Equal(HttpStatusCode.OK, online.StatusCode);
        }

        var presences = FriendsPresence(await node.WaitForEventsAsync("capable", e => FriendsPresence(e).Count == 2, "the friend online"));
        Assert.Equal(["unavailable", "available"], presences.Select(p => p.GetProperty("state").GetString()));

        using (var checkedContacts = await node.Http.PostAsJsonAsync("/v1/sessions/capable/contacts:check", new { phones = new[] { "+" + Friend, "15559999999" } }))
        {
            Assert.Equal(HttpStatusCode.OK, checkedContacts.StatusCode);
            var contacts = (await checkedContacts.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contacts").EnumerateArray().ToList();
            Assert.Equal(2, contacts.Count);
            Assert.Equal("+" + Friend, contacts[0].GetProperty("phone").GetString());
            Assert.True(contacts[0].GetProperty("onWhatsApp").GetBoolean());
            Assert.Equal(Friend + "@s.whatsapp.net", contacts[0].GetProperty("jid").GetString());
            Assert.False(contacts[1].GetProperty("onWhatsApp").GetBoolean());
        }

        var connectedBefore = (await node.EventsAsync("capable")).Count(QrLinking.IsStatus("connected"));
        using (var restart = await node.Http.PostAsync("/v1/sessions/capable:restart", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        }

        await node.WaitForEventsAsync("capable", e => e.Count(QrLinking.IsStatus("connected")) > connectedBefore, "connected again after the restart");
    }

    private static List<JsonElement> FriendsPresence(List<JsonElement> events) =>
        [.. events.Where(e => e.GetProperty("type").GetString() == "presence.update").Select(e => e.GetProperty("payload"))
            .Where(p => p.GetProperty("jid").GetString() == Friend + "@s.whatsapp.net")];

    [Fact]
    public async Task Capabilities_of_a_session_not_linked_are_409_and_bad_input_400()
    {
        await node.CreateSessionAsync("unlinked-caps");

        using (var presence = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked-caps/presence", new { state = "available" }))
        {
            await Problems.AssertAsync(presence, HttpStatusCode.Conflict, "session_not_linked");
        }

        using (var contacts = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked-caps/contacts:check", new { phones = new[] { "15550001234" } }))
        {
            await Problems.AssertAsync(contacts, HttpStatusCode.Conflict, "session_not_linked");
        }

        using (var restart = await node.Http.PostAsync("/v1/sessions/unlinked-caps:restart", null))
        {
            await Problems.AssertAsync(restart, HttpStatusCode.Conflict, "session_not_linked");
        }

        using (var badState = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked-caps/presence", new { state = "composing" }))
        {
            await Problems.AssertAsync(badState, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var badChat = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked-caps/chats/not-a-jid/presence", new { state = "paused" }))
        {
            await Problems.AssertAsync(badChat, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var none = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked-caps/contacts:check", new { phones = Array.Empty<string>() }))
        {
            await Problems.AssertAsync(none, HttpStatusCode.BadRequest, "invalid_request");
        }

        using var tooMany = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked-caps/contacts:check", new { phones = Enumerable.Range(0, 51).Select(i => $"1555000{i:0000}").ToArray() });
        await Problems.AssertAsync(tooMany, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Another_tenants_key_gets_404_on_every_capability_route_and_changes_nothing()
    {
        await node.CreateSessionAsync("caps-of-default");
        using var other = await node.TenantClientAsync("caps-intruder");
        var before = await node.EventsAsync("caps-of-default");

        foreach (var (method, path, body) in new (string, string, object?)[]
                 {
                     ("PATCH", "/v1/sessions/caps-of-default", new { readReceipts = true }),
                     ("POST", "/v1/sessions/caps-of-default/presence", new { state = "available" }),
                     ("POST", $"/v1/sessions/caps-of-default/chats/{Friend}/presence", new { state = "paused" }),
                     ("POST", "/v1/sessions/caps-of-default/contacts:check", new { phones = new[] { Friend } }),
                     ("POST", "/v1/sessions/caps-of-default:restart", null),
                 })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await other.SendAsync(request);
            await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
        }

        Assert.Equal(before.Count, (await node.EventsAsync("caps-of-default")).Count);
    }
}
