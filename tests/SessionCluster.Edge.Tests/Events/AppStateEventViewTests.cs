using System.Text.Json;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>App-state events as the API shows them (docs/API.md "Chat settings"): one type per setting and direction.</summary>
public sealed class AppStateEventViewTests
{
    private const string Bob = "15550002222@s.whatsapp.net";

    [Theory]
    [InlineData(ChatSetting.Archived, true, "chat.archived")]
    [InlineData(ChatSetting.Archived, false, "chat.unarchived")]
    [InlineData(ChatSetting.Pinned, true, "chat.pinned")]
    [InlineData(ChatSetting.Pinned, false, "chat.unpinned")]
    [InlineData(ChatSetting.Muted, true, "chat.muted")]
    [InlineData(ChatSetting.Muted, false, "chat.unmuted")]
    [InlineData(ChatSetting.Read, true, "chat.read")]
    [InlineData(ChatSetting.Read, false, "chat.unread")]
    public void A_chat_setting_is_its_own_event_type_with_the_chat(ChatSetting setting, bool on, string type)
    {
        var json = Render(new ChatSettingChangedBody(Bob, setting, on, null, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), ByThisSession: false));

        Assert.Equal(type, json.GetProperty("type").GetString());
        Assert.Contains(type, (IReadOnlySet<string>)EventTypes.Known);
        Assert.Contains(type, WebhookEventTypes.Known);
        Assert.Equal((Bob, false), (json.GetProperty("payload").GetProperty("chat").GetString(), json.GetProperty("payload").GetProperty("bySession").GetBoolean()));
    }

    [Fact]
    public void A_contact_and_a_push_name_show_their_names()
    {
        var contact = Render(new ContactUpdatedBody(Bob, "Bob Example", "Bob", null, Removed: false, null));
        var pushName = Render(new PushNameChangedBody("Alice", null));

        Assert.Equal(("contact.updated", "Bob Example", false), (contact.GetProperty("type").GetString(), contact.GetProperty("payload").GetProperty("fullName").GetString(), contact.GetProperty("payload").GetProperty("removed").GetBoolean()));
        Assert.Equal(("account.push_name", "Alice"), (pushName.GetProperty("type").GetString(), pushName.GetProperty("payload").GetProperty("name").GetString()));
        Assert.Contains("contact.updated", WebhookEventTypes.Known);
        Assert.Contains("account.push_name", (IReadOnlySet<string>)EventTypes.Known);
    }

    private static JsonElement Render(SessionEventBody body) =>
        JsonSerializer.SerializeToElement(EventView.From("s1", new SessionEvent(Guid.CreateVersion7(), new SessionId("s1"), 7, DateTimeOffset.UnixEpoch, body)), JsonSerializerOptions.Web);
}
