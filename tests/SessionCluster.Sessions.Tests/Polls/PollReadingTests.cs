using Google.Protobuf;
using SessionCluster.Protocol.Polls;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Content;
using SessionCluster.Sessions.Polls;

namespace SessionCluster.Sessions.Tests.Polls;

/// <summary>
/// The session's poll memory and how it reads a vote (docs/PROTOCOL.md §9 "A vote"): a poll is known by its secret and
/// options, a vote opens whichever form (phone number or LID) the voter named the two sides by, and an unreadable vote
/// says why rather than vanishing.
/// </summary>
public sealed class PollReadingTests
{
    private const string BobPn = "15550002222@s.whatsapp.net";
    private const string BobLid = "88002222@lid";
    private const string AlicePn = "15550001111@s.whatsapp.net";
    private const string AliceLid = "88001111@lid";
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static KnownPoll Poll(string? creator = BobLid, string? creatorAlt = BobPn) =>
        KnownPoll.Of("3EB0POLL", BobLid, creator, creatorAlt, SharedContent.Poll("Lunch?", ["pizza", "salad", "soup"], 2, Secret))!;

    private static PollUpdateMessage Vote(string creator, string voter, params string[] options) =>
        new() { PollCreationMessageKey = new() { ID = "3EB0POLL" }, Vote = PollVotes.Encrypt(Secret, new PollVoteContext("3EB0POLL", creator, voter), options) };

    [Fact]
    public void A_poll_is_known_by_its_secret_options_and_how_many_may_be_chosen_and_a_message_without_a_secret_is_no_known_poll()
    {
        var poll = Poll();

        Assert.Equal(["pizza", "salad", "soup"], poll.Options);
        Assert.Equal(2u, poll.SelectableCount);
        Assert.Equal(Secret, poll.Secret.ToArray());
        var withoutSecret = SharedContent.Poll("Lunch?", ["pizza", "salad"], 1, Secret);
        withoutSecret.MessageContextInfo = null;
        Assert.Null(KnownPoll.Of("3EB0X", BobLid, null, null, withoutSecret));
        Assert.Null(KnownPoll.Of("3EB0X", BobLid, null, null, new Message { Conversation = "not a poll" }));
        var disappearing = new Message { EphemeralMessage = new FutureProofMessage { Message = SharedContent.Poll("Lunch?", ["pizza", "salad"], 1, Secret) } };
        Assert.Equal(["pizza", "salad"], KnownPoll.Of("3EB0E", BobLid, null, null, disappearing)?.Options);
    }

    [Theory]
    [InlineData(BobLid, AliceLid)]
    [InlineData(BobPn, AlicePn)]
    [InlineData(BobPn, AliceLid)]
    public void A_vote_opens_whichever_form_of_the_creator_and_voter_it_was_bound_to(string creator, string voter)
    {
        var reading = PollVoteReading.Read(Poll(), Vote(creator, voter, "salad", "soup"), [BobLid, BobPn], [AlicePn, AliceLid]);

        Assert.True(reading.Decrypted);
        Assert.Equal(["salad", "soup"], reading.Selected);
        Assert.Null(reading.Failure);
    }

    [Fact]
    public void A_vote_on_an_unknown_poll_or_under_another_secret_is_read_as_undecrypted_with_the_reason()
    {
        var unknown = PollVoteReading.Read(null, Vote(BobLid, AliceLid, "pizza"), [], [AliceLid]);
        var otherSecret = new PollUpdateMessage
        {
            PollCreationMessageKey = new() { ID = "3EB0POLL" },
            Vote = PollVotes.Encrypt(new byte[32], new PollVoteContext("3EB0POLL", BobLid, AliceLid), ["pizza"]),
        };
        var tampered = Vote(BobLid, AliceLid, "pizza");
        var bytes = tampered.Vote.EncPayload.ToByteArray();
        bytes[0] ^= 0xFF;
        tampered.Vote.EncPayload = ByteString.CopyFrom(bytes);

        Assert.Equal((false, PollVoteReceivedBody.UnknownPoll), (unknown.Decrypted, unknown.Failure));
        Assert.Equal((false, nameof(PollVoteFailure.AuthenticationFailed)), (PollVoteReading.Read(Poll(), otherSecret, [BobLid], [AliceLid]) is var o ? (o.Decrypted, o.Failure) : default));
        Assert.Equal((false, nameof(PollVoteFailure.AuthenticationFailed)), (PollVoteReading.Read(Poll(), tampered, [BobLid, BobPn], [AliceLid]) is var t ? (t.Decrypted, t.Failure) : default));
        Assert.Equal(nameof(PollVoteFailure.MalformedVote), PollVoteReading.Read(Poll(), new PollUpdateMessage(), [BobLid], [AliceLid]).Failure);
    }

    [Fact]
    public void The_index_keeps_the_most_recent_polls_up_to_its_capacity()
    {
        var index = new PollIndex();
        for (var i = 0; i < PollIndex.Capacity + 10; i++)
        {
            index.Remember(Poll() with { MessageId = "P" + i });
        }

        Assert.Equal(PollIndex.Capacity, index.Count);
        Assert.Null(index.Find("P0"));
        Assert.NotNull(index.Find("P" + (PollIndex.Capacity + 9)));
    }

    [Fact]
    public void A_vote_event_survives_its_stored_form_with_its_options_or_its_failure()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var read = new PollVoteReceivedBody("3EB0V", BobLid, BobPn, BobLid, BobPn, BobLid.Replace("@", ":3@", StringComparison.Ordinal), at, false, true, "Bob",
            "3EB0POLL", true, ["salad", "soup"], 1, null);
        var unread = read with { Decrypted = false, SelectedOptions = [], UnknownOptions = 0, Failure = PollVoteReceivedBody.UnknownPoll, ChatAlt = null, PushName = null };

        foreach (var body in new[] { read, unread })
        {
            var back = Assert.IsType<PollVoteReceivedBody>(SessionEvent.FromRecord(new SessionId("s"), new SessionEvent(Guid.CreateVersion7(), new SessionId("s"), 7, at, body).ToRecord()).Body);
            Assert.Equal(body with { SelectedOptions = [] }, back with { SelectedOptions = [] });
            Assert.Equal(body.SelectedOptions, back.SelectedOptions);
        }
    }
}
