using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Content;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// Whose message a reaction, vote, edit or revoke acts on, turned from the sender's side of its key to ours
/// (docs/PROTOCOL.md §9): the session answers when the message arrives, and the answer survives the journal.
/// </summary>
public sealed class MessageTargetsTests
{
    private const string Me = "15550001001@s.whatsapp.net";
    private const string MyLid = "100000000001@lid";
    private const string Peer = "15550002002@s.whatsapp.net";
    private const string Group = "120363000000000009@g.us";

    private static bool IsMe(Jid jid) => jid.ToString() is Me or MyLid;

    [Theory]
    [InlineData(Peer, false, false, null, true)]      // a peer reacts in our chat to a message not theirs: ours
    [InlineData(Peer, true, false, null, false)]      // a peer reacts to their own message
    [InlineData(Peer, true, true, null, true)]        // our other device reacts to our message
    [InlineData(Peer, false, true, null, false)]      // our other device reacts to the peer's message
    [InlineData(Group, false, false, Me, true)]       // in a group, the key's participant is us
    [InlineData(Group, false, false, MyLid, true)]    // ... by our LID
    [InlineData(Group, false, false, Peer, false)]    // ... someone else
    [InlineData(Group, true, false, null, false)]     // the reactor's own group message
    public void A_reactions_target_is_turned_to_our_side(string chat, bool keyFromMe, bool senderIsUs, string? participant, bool expected)
    {
        var key = new MessageKey { RemoteJID = chat, FromMe = keyFromMe, ID = "3EB0TARGET" };
        if (participant is not null)
        {
            key.Participant = participant;
        }

        var reaction = new Message { ReactionMessage = new ReactionMessage { Key = key, Text = "👍" } };
        Assert.Equal(expected, MessageTargets.TargetFromMe(reaction, senderIsUs, IsMe));
    }

    [Fact]
    public void Votes_and_revokes_are_resolved_through_their_wrappers_and_other_content_has_no_target()
    {
        var vote = new Message { PollUpdateMessage = new PollUpdateMessage { PollCreationMessageKey = new MessageKey { RemoteJID = Group, Participant = Me, ID = "P1" } } };
        var revoke = new Message
        {
            EphemeralMessage = new FutureProofMessage
            {
                Message = new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.Revoke, Key = new MessageKey { RemoteJID = Peer, FromMe = true, ID = "R1" } } },
            },
        };

        Assert.True(MessageTargets.TargetFromMe(vote, senderIsUs: false, IsMe));
        Assert.False(MessageTargets.TargetFromMe(revoke, senderIsUs: false, IsMe));
        Assert.Null(MessageTargets.TargetFromMe(new Message { Conversation = "hi" }, senderIsUs: false, IsMe));
        Assert.Null(MessageTargets.TargetFromMe(new Message { ReactionMessage = new ReactionMessage { Key = new MessageKey { RemoteJID = Group, ID = "G1" } } }, false, IsMe));
    }

    [Fact]
    public void The_answer_survives_the_journal_and_an_older_event_without_it_reads_as_unknown()
    {
        var body = new MessageReceivedBody("M1", Group, null, Peer, null, Peer, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), false,
            new Message { ReactionMessage = new ReactionMessage { Key = new MessageKey { RemoteJID = Group, Participant = Me, ID = "G1" }, Text = "👍" } }, false, null)
        {
            TargetFromMe = true,
        };

        Assert.True(MessageReceivedBody.FromProto(body.ToProto()).TargetFromMe);
        Assert.Null(MessageReceivedBody.FromProto((body with { TargetFromMe = null }).ToProto()).TargetFromMe);
        Assert.False(MessageReceivedBody.FromProto((body with { TargetFromMe = false }).ToProto()).TargetFromMe);
    }
}
