using System.Text.Json;
using System.Text.RegularExpressions;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Interop.Tests.Infrastructure;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>
/// Group changes, a contact's presence and chat states, and call offers as the API shows them (docs/API.md "Event
/// types", "Groups", "Session settings, presence, contact checks"): the type, the documented fields and nothing else.
/// </summary>
public sealed class GroupPresenceCallEventViewTests
{
    private const string Group = "120363000000000001@g.us";
    private const string Bob = "15550002222@s.whatsapp.net";
    private const string Carol = "15550003333@s.whatsapp.net";
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Theory]
    [InlineData(GroupChange.Added, "add")]
    [InlineData(GroupChange.Removed, "remove")]
    [InlineData(GroupChange.Left, "leave")]
    [InlineData(GroupChange.Promoted, "promote")]
    [InlineData(GroupChange.Demoted, "demote")]
    public void A_member_change_is_a_group_participants_event_with_its_action_the_members_and_who_did_it(GroupChange change, string action)
    {
        var (type, payload) = Render(new GroupChangedBody(Group, change, [Bob, Carol], Bob, null, null, At));

        Assert.Equal("group.participants", type);
        Assert.Equal((Group, action, Bob, At), (payload.GetProperty("group").GetString(), payload.GetProperty("action").GetString(), payload.GetProperty("by").GetString(), payload.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal([Bob, Carol], payload.GetProperty("participants").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData(GroupChange.Created, "created", "Support", null)]
    [InlineData(GroupChange.Subject, "subject", "Support desk", null)]
    [InlineData(GroupChange.Description, "description", null, "Ask us anything")]
    [InlineData(GroupChange.DescriptionRemoved, "description_removed", null, null)]
    public void A_groups_creation_subject_or_description_is_a_group_update_event_with_the_new_text(GroupChange change, string name, string? subject, string? description)
    {
        var (type, payload) = Render(new GroupChangedBody(Group, change, [], Carol, subject, description, At));

        Assert.Equal("group.update", type);
        Assert.Equal((Group, name, subject, description, Carol), (payload.GetProperty("group").GetString(), payload.GetProperty("change").GetString(),
            payload.GetProperty("subject").GetString(), payload.GetProperty("description").GetString(), payload.GetProperty("by").GetString()));
    }

    [Fact]
    public void A_contacts_presence_is_a_presence_update_online_or_offline_with_when_last_seen()
    {
        var (online, now) = Render(new PresenceUpdateBody(Bob, Available: true, LastSeen: null));
        var (offline, then) = Render(new PresenceUpdateBody(Bob, Available: false, At));

        Assert.Equal(("presence.update", "presence.update"), (online, offline));
        Assert.Equal((Bob, "available", JsonValueKind.Null), (now.GetProperty("jid").GetString(), now.GetProperty("state").GetString(), now.GetProperty("lastSeen").ValueKind));
        Assert.Equal(("unavailable", At), (then.GetProperty("state").GetString(), then.GetProperty("lastSeen").GetDateTimeOffset()));
    }

    [Theory]
    [InlineData(PresenceState.Composing, "composing")]
    [InlineData(PresenceState.Recording, "recording")]
    [InlineData(PresenceState.Paused, "paused")]
    public void Typing_recording_and_stopping_are_chat_state_events_naming_the_chat_and_who(PresenceState state, string name)
    {
        var (type, payload) = Render(new ChatStateBody(Group, "1234@lid", state));

        Assert.Equal("chat.state", type);
        Assert.Equal((Group, "1234@lid", name), (payload.GetProperty("chat").GetString(), payload.GetProperty("sender").GetString(), payload.GetProperty("state").GetString()));
    }

    [Fact]
    public void A_call_offer_is_a_call_offer_event_with_its_caller_voice_or_video_and_whether_the_session_rejected_it()
    {
        var (voice, rang) = Render(new CallOfferBody("CALL1", Bob, Video: false, Rejected: false, At));
        var (video, declined) = Render(new CallOfferBody("CALL2", Bob, Video: true, Rejected: true, At));

        Assert.Equal(("call.offer", "call.offer"), (voice, video));
        Assert.Equal(("CALL1", Bob, "voice", false, At), (rang.GetProperty("callId").GetString(), rang.GetProperty("from").GetString(),
            rang.GetProperty("media").GetString(), rang.GetProperty("rejected").GetBoolean(), rang.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal(("video", true), (declined.GetProperty("media").GetString(), declined.GetProperty("rejected").GetBoolean()));
    }

    /// <summary>Every field a payload carries is in docs/API.md's row for its type, and every field the row lists is there: no stray data in events.</summary>
    [Fact]
    public void Each_payload_has_exactly_the_fields_the_event_table_of_docs_API_md_lists_and_its_type_is_a_known_filter()
    {
        SessionEventBody[] bodies =
        [
            new GroupChangedBody(Group, GroupChange.Added, [Bob], Carol, null, null, At),
            new GroupChangedBody(Group, GroupChange.Subject, [], Carol, "Support", null, At),
            new PresenceUpdateBody(Bob, false, At),
            new ChatStateBody(Bob, Bob, PresenceState.Composing),
            new CallOfferBody("CALL1", Bob, false, false, At),
        ];
        var table = File.ReadAllLines(RepositoryPaths.Combine("docs", "API.md"));

        foreach (var body in bodies)
        {
            var (type, payload) = Render(body);
            Assert.Equal(EventView.TypeOf(body), type);
            Assert.Contains(type, (IReadOnlySet<string>)EventTypes.Known);
            Assert.Contains(type, WebhookEventTypes.Known);
            Assert.Equal(DocumentedFields(table, type), payload.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>The field names of <paramref name="type"/>'s <c>{a, b: x | y, c}</c> in the event table (one row per type), in name order.</summary>
    private static IEnumerable<string> DocumentedFields(string[] apiMd, string type)
    {
        var row = Assert.Single(apiMd, line => line.StartsWith($"| `{type}` |", StringComparison.Ordinal));
        var fields = Regex.Match(row, @"\| `\{([^}]*)\}`").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(fields), $"no {{fields}} in the row of {type}: {row}");
        return fields.Split(',').Select(field => field.Split(':')[0].Trim()).Order(StringComparer.Ordinal).ToList();
    }

    private static (string Type, JsonElement Payload) Render(SessionEventBody body)
    {
        var json = JsonSerializer.SerializeToElement(EventView.From("s1", new SessionEvent(Guid.CreateVersion7(), new SessionId("s1"), 7, DateTimeOffset.UnixEpoch, body)), JsonSerializerOptions.Web);
        return (json.GetProperty("type").GetString()!, json.GetProperty("payload"));
    }
}
