using System.Text.Json;
using Google.Protobuf;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Protocol.Wa.E2E;
using static SessionCluster.Edge.Tests.Events.ReceivedMessages;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>A message in status@broadcast is a <c>status.received</c> event (docs/API.md "Status"), with its author and content and no media secret.</summary>
public sealed class StatusEventViewTests
{
    [Fact]
    public void A_text_in_status_broadcast_is_a_status_received_event_with_its_author_and_text()
    {
        var text = new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "my day", BackgroundArgb = 0xFF112233 } };
        var view = View(From(text, chat: "status@broadcast"));

        Assert.Equal("status.received", view.Type);
        var payload = JsonSerializer.SerializeToElement(view, JsonSerializerOptions.Web).GetProperty("payload");
        Assert.Equal(("text", "my day", Peer), (payload.GetProperty("type").GetString(), payload.GetProperty("text").GetString(), payload.GetProperty("sender").GetString()));
        Assert.False(payload.TryGetProperty("chat", out _));
        Assert.Contains("status.received", (IReadOnlySet<string>)EventTypes.Known);
        Assert.Contains("status.received", WebhookEventTypes.Known);
    }

    [Fact]
    public void An_image_status_carries_its_media_route_and_none_of_its_keys()
    {
        var view = View(From(new Message { ImageMessage = Image("a story") }, id: "3EB0STORY", chat: "status@broadcast"));
        var json = JsonSerializer.Serialize(view, JsonSerializerOptions.Web);

        Assert.Equal("status.received", view.Type);
        Assert.Contains("/messages/3EB0STORY/media", json, StringComparison.Ordinal);
        foreach (var secret in new[] { Convert.ToBase64String(MediaKey), Convert.ToBase64String(EncSha256), DirectPath, CdnUrl, ByteString.CopyFrom(MediaKey).ToBase64() })
        {
            Assert.DoesNotContain(secret, json, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void A_message_in_any_other_chat_stays_a_message_received()
    {
        Assert.Equal("message.received", View(From(new Message { Conversation = "hi" })).Type);
        Assert.Equal("message.received", View(From(new Message { Conversation = "hi" }, chat: Group)).Type);
    }
}
