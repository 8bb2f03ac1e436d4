using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Edge.Webhooks;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>
/// Webhook delivery from a real node to a real receiver on loopback, the events made by linking sessions with the
/// simulator's phones and sending through the API: order, signatures, ids, dead letters and replay, retries, the
/// Cloud envelope, the event filter over the newer kinds (reactions to calls). Each test has a tenant of its own, so
/// its tenant-wide webhooks see only its sessions.
/// </summary>
public sealed class WebhookDeliveryTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Fact]
    public async Task Every_event_of_each_session_is_posted_once_in_order_signed_and_carrying_its_id_and_seq()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "deliver-order");
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url() });
        receiver.Secret = hook.GetProperty("secret").GetString()!;

        await WebhookTestKit.LinkAsync(http, node.Simulator, "order-1", "15550101001");
        await WebhookTestKit.LinkAsync(http, node.Simulator, "order-2", "15550101002");
        await SimulatorPhones.CreateAccountAsync(node.Simulator, "15550101003");
        for (var i = 0; i < 4; i++)
        {
            await WebhookTestKit.SendTextAsync(http, "order-1", "15550101003", $"one {i}");
            await WebhookTestKit.SendTextAsync(http, "order-2", "15550101003", $"two {i}");
        }

        await WebhookTestKit.PhoneSendsAsync(node.Simulator, "15550101003", "15550101001", "an inbound text");
        foreach (var session in new[] { "order-1", "order-2" })
        {
            var events = await DeliveredAllAsync(http, receiver, session);
            Assert.True(events.Count > 10, $"{session}: only {events.Count} events");
            Assert.Equal(0, WebhookTestKit.AssertDeliveredInOrder(receiver.Posts, session, events));
        }

        // The cursors say the same: each session done up to its last event (written just after its post is answered).
        foreach (var session in new[] { "order-1", "order-2" })
        {
            var last = (await WebhookTestKit.EventsAsync(http, session))[^1].GetProperty("seq").GetInt64();
            await WaitAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{hook.GetProperty("id").GetString()}/cursors"))
                .GetProperty("cursors").EnumerateArray().Any(c => c.GetProperty("session").GetString() == session && c.GetProperty("ackedSeq").GetInt64() == last),
                $"the cursor of {session} at its last seq {last}");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(receiver.Posts, p => Assert.InRange(long.Parse(p.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), now - 300, now + 5));
        Assert.Contains(receiver.Posts, p => p.Type == "message.received" && p.Json.GetProperty("payload").GetProperty("text").GetString() == "an inbound text");
    }

    [Fact]
    public async Task A_receiver_answering_410_dead_letters_the_event_the_next_ones_go_on_and_replay_delivers_it_again()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "deliver-410");
        await using var receiver = await WebhookReceiver.StartAsync();
        var refuseQr = true;
        receiver.Answer = (post, _) => refuseQr && post.Type == "session.qr" ? 410 : 200;
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url() });
        var id = hook.GetProperty("id").GetString();
        receiver.Secret = hook.GetProperty("secret").GetString()!;

        await WebhookTestKit.LinkAsync(http, node.Simulator, "gone-1", "15550102001");
        var events = await DeliveredAllAsync(http, receiver, "gone-1");
        var qr = events.Where(e => e.GetProperty("type").GetString() == "session.qr").ToList();
        Assert.NotEmpty(qr);
        WebhookTestKit.AssertDeliveredInOrder(receiver.Posts, "gone-1", events);
        Assert.All(receiver.Posts.Where(p => p.Type == "session.qr"), p => Assert.Equal(410, p.AnsweredStatus));
        Assert.Equal(qr.Count, receiver.Posts.Count(p => p.Type == "session.qr"));

        var letters = (await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters")).GetProperty("deadLetters").EnumerateArray().ToList();
        Assert.Equal(qr.Select(e => e.GetProperty("seq").GetInt64()), letters.Select(l => l.GetProperty("seq").GetInt64()));
        Assert.All(letters, l =>
        {
            Assert.Equal("gone-1", l.GetProperty("session").GetString());
            Assert.Equal(410, l.GetProperty("lastStatus").GetInt32());
            Assert.Equal(1, l.GetProperty("attempts").GetInt32());
            Assert.Equal("session.qr", l.GetProperty("eventType").GetString());
        });

        refuseQr = false;
        using (var replay = await http.PostAsync($"/v1/webhooks/{id}/dead-letters:replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
            Assert.Equal(qr.Count, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replaying").GetInt32());
        }

        await receiver.WaitForAsync(posts => posts.Count(p => p.Type == "session.qr" && p.AnsweredStatus == 200) == qr.Count, "the replayed QR events");
        foreach (var e in qr)
        {
            var posts = receiver.Posts.Where(p => p.Seq == e.GetProperty("seq").GetInt64() && p.Session == "gone-1").ToList();
            Assert.Equal([410, 200], posts.Select(p => p.AnsweredStatus));
            Assert.All(posts, p => Assert.Equal(e.GetProperty("id").GetString(), p.WebhookId));
            Assert.True(posts[1].SignatureValid);
        }

        await WaitAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters")).GetProperty("deadLetters").GetArrayLength() == 0,
            "the replayed dead letters to be removed");
        using var unknown = await http.PostAsync($"/v1/webhooks/{id}/dead-letters/dl_unknown:replay", null);
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "dead_letter_not_found");
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_per_the_policy_with_the_same_id_before_any_later_event_and_dead_lettered_when_attempts_run_out()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "deliver-500");
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (post, before) => post.Path == "/exhausted" || before < 2 ? 500 : 200;
        var retry = new { attempts = 3, initialDelay = 0.2, maxDelay = 0.4, jitter = 0 };
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url("/flaky"), secret = "shared-secret-for-both", retry });
        var exhausted = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url("/exhausted"), secret = "shared-secret-for-both", retry = new { attempts = 2, initialDelay = 0.1 } });
        receiver.Secret = "shared-secret-for-both";

        // A session that starts linking writes status and QR events without a phone.
        using (var created = await http.PostAsJsonAsync("/v1/sessions", new { id = "flaky-1" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/sessions/flaky-1/qr")).StatusCode);
        var events = await WebhookTestKit.WaitForEventsAsync(http, "flaky-1", e => e.Any(x => x.GetProperty("type").GetString() == "session.qr"), "a QR event");
        var seqs = events.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        var flaky = await receiver.WaitForAsync(posts => posts.Count(p => p.Path == "/flaky") >= 3 * seqs.Count, "three posts of each event", TimeSpan.FromSeconds(60));
        var chain = flaky.Where(p => p.Path == "/flaky").Take(3 * seqs.Count).ToList();
        Assert.Equal(seqs.SelectMany(s => new[] { s, s, s }), chain.Select(p => p.Seq));
        Assert.Equal(seqs.SelectMany(_ => new[] { 500, 500, 200 }), chain.Select(p => p.AnsweredStatus));
        Assert.All(chain.Chunk(3), attempts => Assert.Single(attempts.Select(a => a.WebhookId).Distinct()));

        var id = exhausted.GetProperty("id").GetString();
        var letters = await WaitAsync(async () =>
        {
            var list = (await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters")).GetProperty("deadLetters").EnumerateArray().ToList();
            return list.Count >= seqs.Count ? list : null;
        }, "every event dead-lettered after 2 attempts");
        Assert.Equal(seqs, letters.Select(l => l.GetProperty("seq").GetInt64()).Take(seqs.Count));
        Assert.All(letters, l => Assert.Equal((2, 500), (l.GetProperty("attempts").GetInt32(), l.GetProperty("lastStatus").GetInt32())));
        Assert.Equal(2 * letters.Count, receiver.Posts.Count(p => p.Path == "/exhausted" && letters.Any(l => l.GetProperty("seq").GetInt64() == p.Seq)));
        Assert.NotNull(hook.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_rotated_secret_signs_the_next_attempt_of_the_event_being_retried_and_every_later_post_and_no_event_is_lost()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "deliver-rotate");
        await using var receiver = await WebhookReceiver.StartAsync();
        const string oldSecret = "the-old-secret-of-this-hook";
        const string newSecret = "the-new-secret-chosen-beforehand";
        receiver.Answer = (_, _) => 500;
        var retry = new { attempts = 100, initialDelay = 0.2, maxDelay = 0.5, jitter = 0 };
        var id = (await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url(), secret = oldSecret, retry })).GetProperty("id").GetString();
        using (var created = await http.PostAsJsonAsync("/v1/sessions", new { id = "rotate-1" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/sessions/rotate-1/qr")).StatusCode);
        var refused = await receiver.WaitForAsync(posts => posts.Count >= 2, "the first event refused twice");
        Assert.All(refused, p => Assert.True(p.SignedWith(oldSecret), $"seq {p.Seq}: not signed with the secret it was created with"));

        // Between the PUT and the end of the rotation a real receiver takes both; this one takes only the new secret, so
        // an attempt still signed with the old one is refused and retried, never acknowledged.
        receiver.Secret = newSecret;
        receiver.Answer = (post, _) => post.SignedWith(newSecret) ? 200 : 500;
        using (var rotated = await http.PutAsJsonAsync($"/v1/webhooks/{id}/secret", new { secret = newSecret }))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            var answer = await rotated.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((id, newSecret), (answer.GetProperty("id").GetString(), answer.GetProperty("secret").GetString()));
        }

        // Well within the 30 s rescan interval: the node that took the PUT rescans at once, and the lane does not restart.
        var signedAnew = await receiver.WaitForAsync(posts => posts.Any(p => p.SignedWith(newSecret)), "a post signed with the new secret", TimeSpan.FromSeconds(10));
        Assert.Equal(refused[0].WebhookId, signedAnew.First(p => p.SignedWith(newSecret)).WebhookId);

        var events = await DeliveredAllAsync(http, receiver, "rotate-1");
        var last = events[^1].GetProperty("seq").GetInt64();
        var posts = await receiver.WaitForAsync(posts => posts.Any(p => p.Seq == last && p.AnsweredStatus == 200), $"seq {last} acknowledged");
        Assert.All(posts, p => Assert.True(p.SignedWith(oldSecret) != p.SignedWith(newSecret), $"seq {p.Seq}: signed with neither secret or both"));
        Assert.All(posts.SkipWhile(p => !p.SignedWith(newSecret)), p => Assert.True(p.SignedWith(newSecret), $"seq {p.Seq}: the old secret again after the new one"));
        WebhookTestKit.AssertDeliveredInOrder([.. posts.Where(p => p.AnsweredStatus == 200 && p.Seq <= last)], "rotate-1", events);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters")).GetProperty("deadLetters").EnumerateArray());
    }

    [Fact]
    public async Task A_cloud_webhook_gets_an_inbound_text_as_a_cloud_message_and_a_send_as_cloud_statuses_and_nothing_else()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "deliver-cloud");
        await using var receiver = await WebhookReceiver.StartAsync();
        const string owner = "15550104001";
        const string friend = "15550104002";
        await WebhookTestKit.LinkAsync(http, node.Simulator, "cloud-1", owner);
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/sessions/cloud-1/webhooks", new { url = receiver.Url(), format = "cloud" });
        receiver.Secret = hook.GetProperty("secret").GetString()!;
        await SimulatorPhones.CreateAccountAsync(node.Simulator, friend);

        await WebhookTestKit.PhoneSendsAsync(node.Simulator, friend, owner, "hello cloud");
        var inbound = (await receiver.WaitForAsync(posts => posts.Any(p => Value(p).TryGetProperty("messages", out _)), "a Cloud message")).First(p => Value(p).TryGetProperty("messages", out _));
        Assert.True(inbound.SignatureValid);
        Assert.Equal("whatsapp_business_account", inbound.Json.GetProperty("object").GetString());
        var change = inbound.Json.GetProperty("entry")[0].GetProperty("changes")[0];
        Assert.Equal("messages", change.GetProperty("field").GetString());
        var value = change.GetProperty("value");
        Assert.Equal("whatsapp", value.GetProperty("messaging_product").GetString());
        Assert.Equal("cloud-1", value.GetProperty("metadata").GetProperty("phone_number_id").GetString());
        Assert.Equal(owner, value.GetProperty("metadata").GetProperty("display_phone_number").GetString());
        Assert.Equal(friend, value.GetProperty("contacts")[0].GetProperty("wa_id").GetString());
        var message = value.GetProperty("messages")[0];
        Assert.Equal(friend, message.GetProperty("from").GetString());
        Assert.Equal("text", message.GetProperty("type").GetString());
        Assert.Equal("hello cloud", message.GetProperty("text").GetProperty("body").GetString());
        Assert.True(long.TryParse(message.GetProperty("timestamp").GetString(), out _));

        var sent = await WebhookTestKit.SendTextAsync(http, "cloud-1", friend, "hello back");
        var statuses = await receiver.WaitForAsync(
            posts => posts.Any(p => Statuses(p).Any(s => s.GetProperty("id").GetString() == sent && s.GetProperty("status").GetString() is "delivered" or "read")),
            "a delivered status for the send");
        var mine = statuses.SelectMany(Statuses).Where(s => s.GetProperty("id").GetString() == sent).ToList();
        Assert.Contains(mine, s => s.GetProperty("status").GetString() == "sent");
        Assert.All(mine, s =>
        {
            Assert.Equal(friend, s.GetProperty("recipient_id").GetString());
            Assert.True(long.TryParse(s.GetProperty("timestamp").GetString(), out _));
        });
        Assert.All(receiver.Posts, p => Assert.Equal("whatsapp_business_account", p.Json.GetProperty("object").GetString()));
        Assert.All(receiver.Posts, p => Assert.True(p.SignatureValid));
    }

    [Fact]
    public async Task A_webhook_filtered_to_the_new_kinds_gets_each_of_them_signed_in_order_and_none_of_the_other_events()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "deliver-kinds");
        await using var receiver = await WebhookReceiver.StartAsync();
        const string owner = "15550105001";
        const string friend = "15550105002";
        const string friendJid = friend + "@s.whatsapp.net";
        await WebhookTestKit.LinkAsync(http, node.Simulator, "kinds-1", owner);
        await WebhookTestKit.LinkAsync(http, node.Simulator, "kinds-2", friend);
        string[] filter = ["message.reaction", "message.edited", "message.revoked", "group.*", "presence.update", "chat.state", "call.offer", "history.sync", "status.received", "chat.archived"];
        var before = (await WebhookTestKit.EventsAsync(http, "kinds-1"))[^1].GetProperty("seq").GetInt64();
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/sessions/kinds-1/webhooks", new { url = receiver.Url(), events = filter });
        receiver.Secret = hook.GetProperty("secret").GetString()!;

        // The friend's session acts on a text it sent (the text itself is a message.received the filter leaves out)...
        var text = await WebhookTestKit.SendTextAsync(http, "kinds-2", owner, "a text to act on");
        await ActAsync(http, $"/v1/sessions/kinds-2/messages/{text}:react", new { emoji = "👍" });
        await ActAsync(http, $"/v1/sessions/kinds-2/messages/{text}:edit", new { text = "an edited text" });
        await ActAsync(http, $"/v1/sessions/kinds-2/messages/{text}:revoke", new { });
        await ActAsync(http, "/v1/sessions/kinds-2/status", new { type = "text", text = "a story for the owner", audience = new[] { "+" + owner } });
        using (var typing = await http.PostAsJsonAsync($"/v1/sessions/kinds-2/chats/{owner}/presence", new { state = "composing" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, typing.StatusCode);
        }

        using (var created = await http.PostAsJsonAsync("/v1/sessions/kinds-2/groups", new { subject = "Kinds", participants = new[] { "+" + owner } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jid").GetString();
            using var promoted = await http.PostAsJsonAsync($"/v1/sessions/kinds-2/groups/{group}/participants:promote", new { participants = new[] { owner } });
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        // ... the owner's session asks for the friend's presence, and the phones call, send history and archive a chat.
        using (var subscribed = await http.PostAsync($"/v1/sessions/kinds-1/contacts/{friend}/presence:subscribe", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, subscribed.StatusCode);
        }

        using var admin = new HttpClient { Timeout = EdgeNode.Deadline };
        foreach (var (path, body) in new (string, object?)[]
                 {
                     ($"/accounts/{friend}/calls", new { to = owner }),
                     ($"/accounts/{owner}/history-sync", null),
                     ($"/accounts/{owner}/app-state/regular_low", new { index = new[] { "archive", friendJid }, value = new { archiveChatAction = new { archived = true } }, version = 3 }),
                 })
        {
            using var response = await admin.PostAsync(node.Simulator.AdminUrl + path, body is null ? null : JsonContent.Create(body));
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        string[] kinds = ["message.reaction", "message.edited", "message.revoked", "group.update", "group.participants", "presence.update", "chat.state", "call.offer", "history.sync", "status.received", "chat.archived"];
        await receiver.WaitForAsync(posts => kinds.All(kind => posts.Any(p => p.Type == kind)), "a post of each new kind");
        var (events, posts) = await WaitAsync(async () =>
        {
            var since = (await WebhookTestKit.EventsAsync(http, "kinds-1")).Where(e => e.GetProperty("seq").GetInt64() > before).ToList();
            var delivered = receiver.Posts.DistinctBy(p => p.Seq).ToList();
            return delivered.Count == since.Count(e => WebhookEventTypes.Matches(filter, e.GetProperty("type").GetString()!)) ? Tuple.Create(since, delivered) : null;
        }, "every event the filter takes to be posted");

        // Exactly the events the filter takes, in the log's order, signed, each the event as GET .../events shows it.
        var taken = events.Where(e => WebhookEventTypes.Matches(filter, e.GetProperty("type").GetString()!)).ToList();
        Assert.Equal(taken.Select(e => e.GetProperty("seq").GetInt64()), posts.Select(p => p.Seq));
        foreach (var (post, e) in posts.Zip(taken, (post, e) => (post, e)))
        {
            Assert.True(post.SignatureValid);
            Assert.Equal((e.GetProperty("id").GetString(), "kinds-1"), (post.WebhookId, post.Session));
            Assert.True(JsonElement.DeepEquals(e, post.Json), $"seq {post.Seq}: posted {post.Json}, the log shows {e}");
        }
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "message.received");

        JsonElement Payload(string type) => posts.First(p => p.Type == type).Json.GetProperty("payload");
        Assert.Equal((text, "👍", false), (Payload("message.reaction").GetProperty("targetId").GetString(), Payload("message.reaction").GetProperty("emoji").GetString(), Payload("message.reaction").GetProperty("targetFromMe").GetBoolean()));
        Assert.Equal((text, "an edited text"), (Payload("message.edited").GetProperty("id").GetString(), Payload("message.edited").GetProperty("text").GetString()));
        Assert.Equal(text, Payload("message.revoked").GetProperty("id").GetString());
        Assert.Equal("a story for the owner", Payload("status.received").GetProperty("text").GetString());
        Assert.Equal((friendJid, "composing"), (Payload("chat.state").GetProperty("chat").GetString(), Payload("chat.state").GetProperty("state").GetString()));
        Assert.Equal(("created", "Kinds"), (Payload("group.update").GetProperty("change").GetString(), Payload("group.update").GetProperty("subject").GetString()));
        Assert.Equal("promote", Payload("group.participants").GetProperty("action").GetString());
        Assert.Equal([owner + "@s.whatsapp.net"], Payload("group.participants").GetProperty("participants").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(friendJid, Payload("presence.update").GetProperty("jid").GetString());
        Assert.Equal((friendJid, "voice", false), (Payload("call.offer").GetProperty("from").GetString(), Payload("call.offer").GetProperty("media").GetString(), Payload("call.offer").GetProperty("rejected").GetBoolean()));
        Assert.Equal((friendJid, false), (Payload("chat.archived").GetProperty("chat").GetString(), Payload("chat.archived").GetProperty("bySession").GetBoolean()));
        Assert.False(string.IsNullOrEmpty(Payload("history.sync").GetProperty("syncType").GetString()));
    }

    /// <summary>A send of its own (202, with an Idempotency-Key) on <paramref name="path"/>.</summary>
    private static async Task ActAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static JsonElement Value(ReceivedPost post) => post.Json.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");

    private static IEnumerable<JsonElement> Statuses(ReceivedPost post) =>
        Value(post).TryGetProperty("statuses", out var statuses) ? statuses.EnumerateArray() : [];

    /// <summary>The session's events once the receiver has a post of the last one and no new event came for a second.</summary>
    internal static async Task<List<JsonElement>> DeliveredAllAsync(HttpClient http, WebhookReceiver receiver, string session, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? EdgeNode.Deadline);
        while (true)
        {
            var events = await WebhookTestKit.EventsAsync(http, session);
            var last = events.Count == 0 ? 0 : events[^1].GetProperty("seq").GetInt64();
            if (last > 0 && receiver.Posts.Any(p => p.Session == session && p.Seq == last))
            {
                await Task.Delay(1000);
                var again = await WebhookTestKit.EventsAsync(http, session);
                if (again.Count == events.Count)
                {
                    return events;
                }
            }

            Assert.True(DateTime.UtcNow < until, $"Waited for every event of {session} (last seq {last}) to be posted; the receiver has {receiver.Posts.Count(p => p.Session == session)}.");
            await Task.Delay(200);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what) => await WaitAsync(async () => await done() ? true : (bool?)null, what);

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> read, string what)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited {EdgeNode.Deadline} for {what}.");
            await Task.Delay(200);
        }
    }
}
