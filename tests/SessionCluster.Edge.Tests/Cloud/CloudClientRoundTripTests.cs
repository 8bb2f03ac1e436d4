using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Edge.Tests.Linking;
using SessionCluster.Edge.Tests.Webhooks;

namespace SessionCluster.Edge.Tests.Cloud;

/// <summary>
/// A client written for Meta's Cloud API, pointed at the node by its base URL and token only: it subscribes a
/// Cloud-format webhook (the verify handshake), sends a text, gets that send's statuses and an inbound message as Cloud
/// envelopes, and marks the inbound message read — all in Meta's shapes.
/// </summary>
public sealed class CloudClientRoundTripTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550106001";
    private const string Friend = "15550106002";
    private const string Session = "cloud-rt";

    [Fact]
    public async Task A_cloud_client_sends_receives_statuses_and_messages_as_cloud_envelopes_and_marks_read()
    {
        using var cloud = await node.TenantClientAsync("cloud-client");
        await using var receiver = await WebhookReceiver.StartAsync();
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await WebhookTestKit.LinkAsync(cloud, node.Simulator, Session, Owner);
        var hook = await WebhookTestKit.CreateWebhookAsync(cloud, $"/v1/sessions/{Session}/webhooks",
            new { url = receiver.Url(), format = "cloud", verifyToken = receiver.VerifyToken });
        receiver.Secret = hook.GetProperty("secret").GetString()!;

        using var send = await cloud.PostAsJsonAsync($"/cloud/v21.0/{Session}/messages",
            new { messaging_product = "whatsapp", recipient_type = "individual", to = Friend, type = "text", text = new { body = "hello from a cloud client" } });
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        var answer = await send.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("whatsapp", answer.GetProperty("messaging_product").GetString());
        Assert.Equal(Friend, answer.GetProperty("contacts")[0].GetProperty("wa_id").GetString());
        var wamid = answer.GetProperty("messages")[0].GetProperty("id").GetString()!;

        var statuses = await receiver.WaitForAsync(
            posts => posts.SelectMany(Statuses).Any(s => s.GetProperty("id").GetString() == wamid && s.GetProperty("status").GetString() is "delivered" or "read"),
            "the cloud send's delivered status");
        var mine = statuses.SelectMany(Statuses).Where(s => s.GetProperty("id").GetString() == wamid).ToList();
        Assert.Contains(mine, s => s.GetProperty("status").GetString() == "sent");
        Assert.All(mine, s => Assert.Equal(Friend, s.GetProperty("recipient_id").GetString()));

        var inboundId = await PhoneChats.SendAsync(node, Friend, Owner, "hello cloud client");
        var posts = await receiver.WaitForAsync(p => p.Any(post => Messages(post).Any(m => m.GetProperty("id").GetString() == inboundId)), "the inbound Cloud message");
        var inbound = posts.SelectMany(Messages).Single(m => m.GetProperty("id").GetString() == inboundId);
        Assert.Equal(Friend, inbound.GetProperty("from").GetString());
        Assert.Equal("hello cloud client", inbound.GetProperty("text").GetProperty("body").GetString());
        Assert.All(receiver.Posts, p => Assert.True(p.SignatureValid, "every Cloud post carries a valid X-Hub-Signature-256"));

        using var read = await cloud.PostAsJsonAsync($"/cloud/v21.0/{Session}/messages", new { messaging_product = "whatsapp", status = "read", message_id = inboundId });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        await PhoneChats.WaitForReceiptAsync(node, Friend, inboundId, "read");
    }

    private static JsonElement Value(ReceivedPost post) => post.Json.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");

    private static IEnumerable<JsonElement> Statuses(ReceivedPost post) =>
        Value(post).TryGetProperty("statuses", out var statuses) ? statuses.EnumerateArray() : [];

    private static IEnumerable<JsonElement> Messages(ReceivedPost post) =>
        Value(post).TryGetProperty("messages", out var messages) ? messages.EnumerateArray() : [];
}
