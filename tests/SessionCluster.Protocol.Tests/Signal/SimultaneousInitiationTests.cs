using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// First contact from both ends at once: each side builds a session from the other's bundle and sends
/// PreKeyWhisperMessages before the other's arrive (two sessions crossing). As in libsignal-node, both sessions are
/// kept: each side's pkmsgs make the other archive the session it began, each side writes on its open session, and
/// each decrypts the other's messages with whichever session they belong to, the archived one included.
/// </summary>
public sealed class SimultaneousInitiationTests
{
    [Fact]
    public void Two_sessions_begun_at_once_from_both_ends_both_stay_readable_and_every_message_decrypts_once()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        bob.StartSessionWith(alice);
        var fromAlice = Enumerable.Range(0, 3).Select(i => alice.Send($"a {i}")).ToList();
        var fromBob = Enumerable.Range(0, 3).Select(i => bob.Send($"b {i}")).ToList();
        Assert.All(fromAlice.Concat(fromBob), m => Assert.Equal(CiphertextType.PreKey, m.Type));

        // Each receives the other's pkmsgs: the peer's session becomes current, its own is archived.
        Assert.Equal(["a 0", "a 1", "a 2"], fromAlice.Select(bob.Receive));
        Assert.Equal(["b 0", "b 1", "b 2"], fromBob.Select(alice.Receive));
        Assert.Equal(1, alice.Record.ArchivedSessionCount);
        Assert.Equal(1, bob.Record.ArchivedSessionCount);
        Assert.Equal(0, alice.PreKeyCount);
        Assert.Equal(0, bob.PreKeyCount);

        // Both keep writing, interleaved, both ways: each message decrypts (on the session the other archived), once,
        // and neither record grows.
        for (var i = 3; i < 20; i++)
        {
            var a = alice.Send($"a {i}");
            var b = bob.Send($"b {i}");
            Assert.Equal(CiphertextType.Whisper, a.Type);
            Assert.Equal($"b {i}", alice.Receive(b));
            Assert.Equal($"a {i}", bob.Receive(a));
            Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(a)).Failure);
        }

        Assert.Equal(1, alice.Record.ArchivedSessionCount);
        Assert.Equal(1, bob.Record.ArchivedSessionCount);
        var copy = SessionRecord.Deserialize(alice.Record.Serialize());
        alice.Record = copy;
        Assert.Equal("after a reload", bob.Receive(alice.Send("after a reload")));
        Assert.Equal("reply", alice.Receive(bob.Send("reply")));
    }

    [Fact]
    public void A_bundle_session_begun_after_the_peers_pkmsg_arrived_crosses_it_and_late_pkmsgs_of_the_peer_still_decrypt()
    {
        // Our send found no session and fetched Bob's bundle; meanwhile Bob's first pkmsg arrived and made a session.
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        bob.StartSessionWith(alice);
        var fromBob = Enumerable.Range(0, 4).Select(i => bob.Send($"b {i}")).ToList();
        Assert.Equal("b 0", alice.Receive(fromBob[0]));
        alice.StartSessionWith(bob);
        var fromAlice = Enumerable.Range(0, 3).Select(i => alice.Send($"a {i}")).ToList();

        // Bob's later pkmsgs (on its session, now archived here) decrypt without a prekey; ours start Bob's second one.
        Assert.Equal(["b 1", "b 2", "b 3"], fromBob.Skip(1).Select(alice.Receive));
        Assert.Equal(["a 0", "a 1", "a 2"], fromAlice.Select(bob.Receive));
        Assert.Equal(bob.Record.Current!.BaseKey, alice.Record.Current!.BaseKey);
        Assert.Equal("b 4", alice.Receive(bob.Send("b 4")));
        Assert.Equal(CiphertextType.Whisper, alice.Send("a 3").Type);
    }
}
