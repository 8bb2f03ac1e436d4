using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>Re-initiated sessions: the old one is archived, and its late messages still decrypt.</summary>
public sealed class SessionArchiveTests
{
    [Fact]
    public void A_new_prekey_message_archives_the_open_session_and_late_messages_of_the_old_one_still_decrypt()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        var lateToBob = alice.Send("old session, to bob");
        var lateToAlice = bob.Send("old session, to alice");

        alice.StartSessionWith(bob);
        Assert.Equal(1, alice.Record.ArchivedSessionCount);
        var fresh = alice.Send("new session");
        Assert.Equal(CiphertextType.PreKey, fresh.Type);
        Assert.Equal("new session", bob.Receive(fresh));
        Assert.Equal(1, bob.Record.ArchivedSessionCount);

        Assert.Equal("old session, to bob", bob.Receive(lateToBob));
        Assert.Equal("old session, to alice", alice.Receive(lateToAlice));

        // Both keep using the new session.
        Assert.Equal("on the new session", alice.Receive(bob.Send("on the new session")));
        Assert.Equal(CiphertextType.Whisper, alice.Send("whisper").Type);
        Assert.Equal(1, bob.Record.ArchivedSessionCount);
        Assert.Equal(1, alice.Record.ArchivedSessionCount);
    }

    [Fact]
    public void The_archived_session_that_decrypts_moves_to_the_front_of_the_archive_and_stays_archived()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var late = new List<CiphertextMessage>();
        for (var i = 0; i < 3; i++)
        {
            alice.StartSessionWith(bob);
            bob.Receive(alice.Send($"session {i}"));
            late.Add(alice.Send($"late {i}"));
        }

        var currentBaseKey = bob.Record.Current!.BaseKey;
        var oldestArchived = bob.Record.Archived[^1];

        Assert.Equal("late 0", bob.Receive(late[0]));

        Assert.Equal(currentBaseKey, bob.Record.Current!.BaseKey);
        Assert.Equal(oldestArchived.BaseKey, bob.Record.Archived[0].BaseKey);
        Assert.Equal(oldestArchived.CloseOrdinal, bob.Record.Archived[0].CloseOrdinal);
        Assert.Equal("late 2", bob.Receive(late[2]));
        Assert.Equal(2, bob.Record.ArchivedSessionCount);
    }

    [Fact]
    public void At_most_40_sessions_are_archived_and_the_one_closed_longest_ago_goes_first()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var late = new List<CiphertextMessage>();
        var baseKeys = new List<string>();
        for (var i = 0; i < SessionRecord.MaxArchivedSessions + 6; i++)
        {
            alice.StartSessionWith(bob, withOneTimePreKey: false);
            baseKeys.Add(Convert.ToHexStringLower(alice.Record.Current!.BaseKey));
            bob.Receive(alice.Send($"session {i}"));
            alice.Receive(bob.Send("reply"));

            // A WhisperMessage: a PreKeyWhisperMessage would simply start its session again.
            late.Add(alice.Send($"late {i}"));
            if (i == 10)
            {
                // Session 0 decrypts and moves to the front of Bob's archive, but it was still closed first.
                Assert.Equal("late 0", bob.Receive(late[0]));
            }
        }

        // 46 sessions: 0..4 were evicted, 5..44 are archived, 45 is current.
        Assert.Equal(SessionRecord.MaxArchivedSessions, bob.Record.ArchivedSessionCount);
        Assert.Equal(SessionRecord.MaxArchivedSessions, alice.Record.ArchivedSessionCount);
        var archived = new List<string>();
        foreach (var state in bob.Record.Archived)
        {
            archived.Add(Convert.ToHexStringLower(state.BaseKey));
        }

        Assert.Equal(baseKeys[5..45].Order(), archived.Order());
        Assert.IsType<SignalDecryptException>(Record.Exception(() => bob.Receive(late[4])));
        Assert.Equal("late 5", bob.Receive(late[5]));
        Assert.Equal("late 44", bob.Receive(late[44]));
        Assert.Equal("late 45", bob.Receive(late[45]));
    }

    [Fact]
    public void A_late_prekey_message_of_an_archived_session_decrypts_with_it_and_consumes_no_prekey()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var first = alice.Send("first session, first message");
        var second = alice.Send("first session, second message");
        bob.Receive(first);
        alice.StartSessionWith(bob);
        bob.Receive(alice.Send("second session"));
        var currentBaseKey = bob.Record.Current!.BaseKey;

        var result = SessionCipher.Decrypt(bob.Record, bob.Identity, second, bob);

        Assert.Equal("first session, second message"u8.ToArray(), result.Plaintext);
        Assert.Null(result.ConsumedPreKeyId);
        Assert.Equal(currentBaseKey, result.Record.Current!.BaseKey);
        Assert.Equal(1, result.Record.ArchivedSessionCount);
    }

    [Fact]
    public void A_late_first_prekey_message_of_an_older_session_becomes_current_as_in_libsignal_node()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var olderFirst = alice.Send("older session");
        alice.StartSessionWith(bob);
        bob.Receive(alice.Send("newer session"));

        // Bob never saw the older base key, so the message starts a session, which becomes current.
        Assert.Equal("older session", bob.Receive(olderFirst));
        Assert.Equal(1, bob.Record.ArchivedSessionCount);
        Assert.Equal(alice.Record.Archived[0].BaseKey, bob.Record.Current!.BaseKey);

        // Alice still reads Bob's replies on it: her archived session decrypts them.
        Assert.Equal("reply", alice.Receive(bob.Send("reply")));
    }

    [Fact]
    public void A_prekey_message_whose_base_key_names_a_session_with_another_identity_is_refused()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var mallory = new SessionTestParty("mallory");
        alice.StartSessionWith(bob);
        var first = alice.Send("first");
        var second = alice.Send("second");
        bob.Receive(first);

        var parsed = PreKeyWhisperMessage.Parse(second.Serialized);
        var forged = PreKeyWhisperMessage.Encode(
            new PendingPreKey(null, bob.SignedPreKey.Id),
            parsed.BaseKey,
            mallory.Identity.IdentityKey.PublicKey.Span,
            parsed.RegistrationId,
            Whisper(second));

        var error = Assert.Throws<SignalDecryptException>(() => bob.Receive(new CiphertextMessage(CiphertextType.PreKey, forged)));
        Assert.Equal(DecryptFailure.InvalidMessage, error.Failure);
        Assert.Equal("second", bob.Receive(second));
    }

    private static byte[] Whisper(CiphertextMessage preKeyMessage)
    {
        var proto = Protocol.Signal.Proto.PreKeyWhisperMessage.Parser.ParseFrom(preKeyMessage.Serialized.AsSpan(1));
        return proto.Message.ToByteArray();
    }
}
