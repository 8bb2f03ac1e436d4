using System.Text.Json;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>A history-sync batch as the API shows it (docs/API.md "history.sync"): its chunk, conversations, push names and mappings.</summary>
public sealed class HistoryEventViewTests
{
    [Fact]
    public void A_history_batch_is_a_history_sync_event_with_conversations_messages_push_names_and_mappings()
    {
        var body = new HistorySyncBody("3EB0HIST", "15550001111@s.whatsapp.net", "initial_bootstrap", 0, 100, 0,
            [new HistoryConversation("15550002222@s.whatsapp.net", "Bob", 1, [new HistoryMessage("m1", false, null, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "hello")])],
            [new HistoryPushName("15550002222@s.whatsapp.net", "Bobby")],
            [new HistoryLidMapping("15550002222@s.whatsapp.net", "99887766@lid")]);
        var view = EventView.From("s1", new SessionEvent(Guid.CreateVersion7(), new SessionId("s1"), 7, DateTimeOffset.UnixEpoch, body));

        var json = JsonSerializer.SerializeToElement(view, JsonSerializerOptions.Web);

        Assert.Equal("history.sync", json.GetProperty("type").GetString());
        Assert.Contains("history.sync", (IReadOnlySet<string>)EventTypes.Known);
        Assert.Contains("history.sync", WebhookEventTypes.Known);
        var payload = json.GetProperty("payload");
        Assert.Equal(("initial_bootstrap", 0u, 100u), (payload.GetProperty("syncType").GetString(), payload.GetProperty("chunkOrder").GetUInt32(), payload.GetProperty("progress").GetUInt32()));
        var conversation = payload.GetProperty("conversations")[0];
        Assert.Equal(("15550002222@s.whatsapp.net", "Bob", 1), (conversation.GetProperty("jid").GetString(), conversation.GetProperty("name").GetString(), conversation.GetProperty("unreadCount").GetInt32()));
        var message = conversation.GetProperty("messages")[0];
        Assert.Equal(("m1", false, "hello"), (message.GetProperty("id").GetString(), message.GetProperty("fromMe").GetBoolean(), message.GetProperty("text").GetString()));
        Assert.Equal("Bobby", payload.GetProperty("pushNames")[0].GetProperty("name").GetString());
        Assert.Equal(("15550002222@s.whatsapp.net", "99887766@lid"), (payload.GetProperty("lidMappings")[0].GetProperty("pn").GetString(), payload.GetProperty("lidMappings")[0].GetProperty("lid").GetString()));
        // Only the chunk: not the notification's id or sender.
        Assert.False(payload.TryGetProperty("messageId", out _));
    }
}
