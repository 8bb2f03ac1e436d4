using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// First contact from both ends at once: each side builds a session from the other's bundle and sends PreKeyWhisperMessages
/// before the other's arrive (two sessions crossing). Both sessions are kept, each side decrypts with whichever the message
/// belongs to, and the one that last decrypted becomes current (libsignal's promoteState), so both sides end up on one.
/// </summary>
public sealed class SimultaneousInitiationTests
{
    [Fact]
    public void Two_sessions_begun_at_once_from_both_ends_collapse_into_one_after_the_first_reply()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        bob.StartSessionWith(alice);
        var fromAlice = Enumerable.Range(0, 3).Select(i => alice.Send($"a {i}")).ToList();
        var fromBob = Enumerable.Range(0, 3).Select(i => bob.Send($"b {i}")).ToList();
        Assert.All(fromAlice.Concat(fromBob), m => Assert.Equal(CiphertextType.PreKey, m.Type));

        // Each receives the other's pkmsgs: each side's new responder session becomes current, its own is archived.
        Assert.Equal(["a 0", "a 1", "a 2"], fromAlice.Select(bob.Receive));
        Assert.Equal(["b 0", "b 1", "b 2"], fromBob.Select(alice.Receive));
        Assert.Equal(1, alice.Record.ArchivedSessionCount);
        Assert.Equal(1, bob.Record.ArchivedSessionCount);

        // Bob writes on the session Alice began, which Alice had archived: it decrypts, and becomes her current one.
        Assert.Equal("b 3", alice.Receive(bob.Send("b 3")));
        Assert.Equal(bob.Record.Current!.BaseKey, alice.Record.Current!.BaseKey);

        // From now on both write on that one session, as WhisperMessages, and neither record grows.
        for (var i = 4; i < 10; i++)
        {
            var a = alice.Send($"a {i}");
            Assert.Equal(CiphertextType.Whisper, a.Type);
            Assert.Equal($"a {i}", bob.Receive(a));
            Assert.Equal($"b {i}", alice.Receive(bob.Send($"b {i}")));
        }

        Assert.Equal(bob.Record.Current!.BaseKey, alice.Record.Current!.BaseKey);
        Assert.Equal(1, alice.Record.ArchivedSessionCount);
        Assert.Equal(1, bob.Record.ArchivedSessionCount);
    }

    [Fact]
    public void When_the_peer_lost_the_session_we_began_its_next_message_on_its_own_session_brings_us_back_to_that_one()
    {
        // Our send found no session, so we fetched Bob's bundle; meanwhile Bob's first pkmsg arrived and made a session.
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        bob.StartSessionWith(alice);
        Assert.Equal("b 0", alice.Receive(bob.Send("b 0")));
        alice.StartSessionWith(bob);
        var ours = alice.Send("a 0");

        // Bob decrypts our pkmsg (its one-time prekey is used up) but then loses the session it built, as Baileys'
        // key-store race does when a concurrent send commits its older copy of the record.
        var bobBefore = bob.Record;
        Assert.Equal("a 0", bob.Receive(ours));
        bob.Record = bobBefore;

        // Bob writes again on its own session; Alice decrypts with the session she archived, which becomes current,
        // so her next message is one Bob can read (before, it was another pkmsg on the session Bob no longer had).
        Assert.Equal("b 1", alice.Receive(bob.Send("b 1")));
        var next = alice.Send("a 1");
        Assert.Equal(CiphertextType.Whisper, next.Type);
        Assert.Equal("a 1", bob.Receive(next));
        Assert.Equal("b 2", alice.Receive(bob.Send("b 2")));
    }

    [Fact]
    public void A_record_with_a_promoted_session_reads_back_the_same()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        bob.StartSessionWith(alice);
        var a = alice.Send("a");
        var b = bob.Send("b");
        bob.Receive(a);
        alice.Receive(b);
        alice.Receive(bob.Send("promotes"));

        var copy = SessionRecord.Deserialize(alice.Record.Serialize());
        Assert.Equal(alice.Record.Current!.BaseKey, copy.Current!.BaseKey);
        Assert.Equal(alice.Record.LastCloseOrdinal, copy.LastCloseOrdinal);
        alice.Record = copy;
        Assert.Equal("after", bob.Receive(alice.Send("after")));
    }
}
