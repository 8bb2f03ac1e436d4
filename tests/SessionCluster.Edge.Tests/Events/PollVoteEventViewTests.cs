using System.Text.Json;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Sessions;
using static SessionCluster.Edge.Tests.Events.ReceivedMessages;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>
/// A vote the session read (<see cref="PollVoteReceivedBody"/>) is a <c>message.poll_vote</c> event naming the poll, the
/// voter and the options chosen; one it could not read says so and why; neither has a Cloud webhook shape.
/// </summary>
public sealed class PollVoteEventViewTests
{
    private const string Bob = "88002222@lid";
    private const string BobPn = "15550002222@s.whatsapp.net";

    private static PollVoteReceivedBody Vote(bool decrypted) => new(
        "3EB0VOTE", Bob, BobPn, Bob, BobPn, Bob.Replace("@", ":0@", StringComparison.Ordinal), At, FromMe: false, Offline: false, "Bob", "3EB0POLL",
        decrypted, decrypted ? ["salad", "soup"] : [], decrypted ? 1 : 0, decrypted ? null : "AuthenticationFailed");

    [Fact]
    public void A_read_vote_is_a_poll_vote_event_with_the_poll_the_voter_and_the_options_chosen()
    {
        var view = EventView.From(Session, new SessionEvent(Guid.CreateVersion7(), new SessionId(Session), 9, At, Vote(decrypted: true)));
        var payload = JsonSerializer.SerializeToElement(view, JsonSerializerOptions.Web).GetProperty("payload");

        Assert.Equal("message.poll_vote", view.Type);
        Assert.Equal(("3EB0VOTE", "3EB0POLL", Bob, BobPn), (Str(payload, "id"), Str(payload, "pollId"), Str(payload, "sender"), Str(payload, "senderAlt")));
        Assert.False(payload.GetProperty("encrypted").GetBoolean());
        Assert.Equal(["salad", "soup"], payload.GetProperty("selectedOptions").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(1, payload.GetProperty("unknownOptions").GetInt32());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("failure").ValueKind);
        Assert.Null(CloudEnvelope.Build(view, "15550001111"));
    }

    [Fact]
    public void An_unreadable_vote_is_still_a_poll_vote_event_saying_it_is_encrypted_and_why()
    {
        var view = EventView.From(Session, new SessionEvent(Guid.CreateVersion7(), new SessionId(Session), 9, At, Vote(decrypted: false)));
        var payload = JsonSerializer.SerializeToElement(view, JsonSerializerOptions.Web).GetProperty("payload");

        Assert.Equal("message.poll_vote", view.Type);
        Assert.True(payload.GetProperty("encrypted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("selectedOptions").ValueKind);
        Assert.Equal("AuthenticationFailed", Str(payload, "failure"));
        Assert.Equal("message.poll_vote", EventView.TypeOf(Vote(decrypted: false)));
    }

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();
}
