using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Simulator;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>
/// Delivery survives what breaks it in production: the receiver down for two real minutes, and the node killed with
/// SIGKILL in the middle of delivering. After recovery every event is delivered, signed, in order per session, with no
/// gap, and a duplicate only ever repeats an earlier post with the same X-Webhook-Id.
/// </summary>
public sealed class WebhookRecoveryTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private static readonly object FastRetry = new { attempts = 100, initialDelay = 0.5, maxDelay = 5, jitter = 0.2 };

    [Fact]
    public async Task With_the_receiver_down_for_two_minutes_every_event_is_delivered_in_order_once_it_is_back()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "outage");
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url(), retry = FastRetry });
        receiver.Secret = hook.GetProperty("secret").GetString()!;
        await WebhookTestKit.LinkAsync(http, node.Simulator, "outage-1", "15550105001");
        await SimulatorPhones.CreateAccountAsync(node.Simulator, "15550105002");
        var before = (await WebhookDeliveryTests.DeliveredAllAsync(http, receiver, "outage-1")).Count;

        await receiver.DownAsync();
        var down = DateTime.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            await WebhookTestKit.SendTextAsync(http, "outage-1", "15550105002", $"while down {i}");
            await WebhookTestKit.PhoneSendsAsync(node.Simulator, "15550105002", "15550105001", $"inbound while down {i}");
        }

        await Task.Delay(TimeSpan.FromMinutes(2) - (DateTime.UtcNow - down));
        var postsWhileDown = receiver.Posts.Count;
        var id = hook.GetProperty("id").GetString();
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters")).GetProperty("deadLetters").GetArrayLength());
        await receiver.UpAsync();

        var events = await WebhookDeliveryTests.DeliveredAllAsync(http, receiver, "outage-1");
        Assert.True(events.Count >= before + 10, $"{events.Count} events, {before} before the outage");
        Assert.True(receiver.Posts.Count > postsWhileDown, "nothing was posted after the receiver came back");
        Assert.Equal(0, WebhookTestKit.AssertDeliveredInOrder(receiver.Posts, "outage-1", events));
        Assert.Equal(5, receiver.Posts.Count(p => p.Type == "message.received" && p.Json.GetProperty("payload").GetProperty("text").GetString()!.StartsWith("inbound while down", StringComparison.Ordinal)));
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters")).GetProperty("deadLetters").GetArrayLength());
    }

    [Fact]
    public async Task With_the_node_killed_by_sigkill_in_the_middle_of_delivery_every_event_is_delivered_in_order_after_restart()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-webhook-crash-").FullName;
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { CloseGrace = TimeSpan.FromMilliseconds(300) });
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(50);
        string[] sessions = ["crash-1", "crash-2"];
        try
        {
            int eventsAtKill;
            int postsAtKill;
            await using (var first = await NodeExecutable.StartAsync(data, simulator))
            {
                var hook = await WebhookTestKit.CreateWebhookAsync(first.Http, "/v1/webhooks", new { url = receiver.Url(), retry = FastRetry });
                receiver.Secret = hook.GetProperty("secret").GetString()!;
                await WebhookTestKit.LinkAsync(first.Http, simulator, "crash-1", "15550106001");
                await WebhookTestKit.LinkAsync(first.Http, simulator, "crash-2", "15550106002");
                await SimulatorPhones.CreateAccountAsync(simulator, "15550106003");
                for (var i = 0; i < 10; i++)
                {
                    await WebhookTestKit.SendTextAsync(first.Http, "crash-1", "15550106003", $"before the crash {i}");
                    await WebhookTestKit.SendTextAsync(first.Http, "crash-2", "15550106003", $"before the crash {i}");
                }

                await WebhookTestKit.WaitForEventsAsync(first.Http, "crash-1", e => e.Count(x => x.GetProperty("type").GetString() == "message.status" &&
                    x.GetProperty("payload").GetProperty("status").GetString() == "delivered") >= 10, "the sends to be delivered");
                eventsAtKill = 0;
                foreach (var session in sessions)
                {
                    eventsAtKill += (await WebhookTestKit.EventsAsync(first.Http, session)).Count;
                }

                await receiver.WaitForAsync(posts => posts.Count >= 20, "deliveries under way");
                await first.KillAsync();
                postsAtKill = receiver.Posts.Count;
            }

            Assert.True(postsAtKill < eventsAtKill, $"the node was killed after delivering everything ({postsAtKill} posts of {eventsAtKill} events): not in the middle");
            await using var second = await NodeExecutable.StartAsync(data, simulator);
            foreach (var session in sessions)
            {
                await WebhookTestKit.WaitForEventsAsync(second.Http, session, e => e.Count(x => x.GetProperty("type").GetString() == "session.status" &&
                    x.GetProperty("payload").GetProperty("status").GetString() == "connected") >= 2, "the session to connect again after the restart");
                await WebhookTestKit.SendTextAsync(second.Http, session, "15550106003", "after the restart");
            }

            var duplicates = 0;
            foreach (var session in sessions)
            {
                var events = await WebhookDeliveryTests.DeliveredAllAsync(second.Http, receiver, session, TimeSpan.FromMinutes(3));
                duplicates += WebhookTestKit.AssertDeliveredInOrder(receiver.Posts, session, events);
            }

            // At most the one post in flight per (webhook, session) at the kill is posted again.
            Assert.InRange(duplicates, 0, sessions.Length);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
