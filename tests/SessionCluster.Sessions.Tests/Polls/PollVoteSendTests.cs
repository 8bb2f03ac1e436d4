using SessionCluster.Sessions.Content;
using SessionCluster.Sessions.Tests.Capabilities;
using SessionCluster.Sessions.Tests.Flows;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Polls;

/// <summary>
/// Voting (<see cref="VotePoll"/>) on a poll the session sent: the vote goes to the poll's chat like any send, the
/// poll is remembered from the journal across a restart, and a vote on an unknown poll or option is refused by type.
/// </summary>
public sealed class PollVoteSendTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task A_vote_on_our_own_poll_reaches_the_chat_and_after_a_restart_the_poll_is_still_known_from_the_journal()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (first, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var poll = Assert.IsType<SendAccepted>(await Ask(session, new Send(Alice, bob.Jid,
            SharedContent.Poll("Lunch?", ["pizza", "salad", "soup"], 1, SharedContent.NewPollSecret()), "poll"))).MessageId;

        var vote = Assert.IsType<SendAccepted>(await Ask(session, new VotePoll(Alice, poll, ["salad"], "vote-1"))).MessageId;
        Assert.Equal(vote, Assert.IsType<SendAccepted>(await Ask(session, new VotePoll(Alice, poll, ["salad"], "vote-1"))).MessageId);
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Any(x => x.Id == vote), "Bob's phone to receive the vote");

        await SessionNodes.StopAsync(first);
        var second = Nodes.Start();
        var restarted = second.ActorOf(SessionActor.Props(Alice, LinkByQrTests.Dependencies(Nodes, host)));
        var again = Assert.IsType<SendAccepted>(await Ask(restarted, new VotePoll(Alice, poll, [], "vote-2"))).MessageId;
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Any(x => x.Id == again), "Bob's phone to receive the taken-back vote");

        Assert.Equal(SendRefusal.UnknownPoll, Assert.IsType<SendRefused>(await Ask(restarted, new VotePoll(Alice, "3EB0000000000000000000", ["salad"], "vote-3"))).Reason);
        Assert.Equal(SendRefusal.UnknownPollOption, Assert.IsType<SendRefused>(await Ask(restarted, new VotePoll(Alice, poll, ["pasta"], "vote-4"))).Reason);
        // A single-choice poll takes one option at most.
        Assert.Equal(SendRefusal.UnknownPollOption, Assert.IsType<SendRefused>(await Ask(restarted, new VotePoll(Alice, poll, ["pizza", "soup"], "vote-5"))).Reason);
    }

    [Fact]
    public async Task A_vote_on_a_session_never_created_is_NotFound_and_on_one_not_linked_is_NotLinked_and_writes_nothing()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.Equal(new NotFound(Alice), await Ask(session, new VotePoll(Alice, "3EB0POLL", ["pizza"], "vote")));

        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        var before = (await SessionLog.StoredAsync(system, Alice)).Count;
        Assert.Equal(SendRefusal.NotLinked, Assert.IsType<SendRefused>(await Ask(session, new VotePoll(Alice, "3EB0POLL", ["pizza"], "vote"))).Reason);
        Assert.Equal(before, (await SessionLog.StoredAsync(system, Alice)).Count);
    }
}
