using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class RatchetConversationTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void A_thousand_messages_with_random_interleaving_and_reordering_all_decrypt_once(int seed, bool withOneTimePreKey)
    {
        var random = new Random(seed);
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob, withOneTimePreKey);
        var toBob = new List<(CiphertextMessage Message, string Text)>();
        var toAlice = new List<(CiphertextMessage Message, string Text)>();
        var sent = 0;
        var delivered = 0;

        // Bob can only write once a first message has reached him.
        while (sent < 1000)
        {
            switch (random.Next(4))
            {
                case 0:
                    toBob.Add(SendNumbered(alice, ref sent));
                    break;
                case 1 when bob.Record.HasCurrentSession:
                    toAlice.Add(SendNumbered(bob, ref sent));
                    break;
                case 2 when toBob.Count > 0:
                    Deliver(toBob, bob, random, ref delivered);
                    break;
                case 3 when toAlice.Count > 0:
                    Deliver(toAlice, alice, random, ref delivered);
                    break;
            }
        }

        while (toBob.Count > 0)
        {
            Deliver(toBob, bob, random, ref delivered);
        }

        while (toAlice.Count > 0)
        {
            Deliver(toAlice, alice, random, ref delivered);
        }

        Assert.Equal(1000, delivered);
    }

    [Fact]
    public void Messages_of_one_chain_decrypt_in_reverse_order()
    {
        var (alice, bob) = Established();
        var messages = Enumerable.Range(0, 50).Select(i => alice.Send($"m{i}")).ToList();

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            Assert.Equal($"m{i}", bob.Receive(messages[i]));
        }
    }

    [Fact]
    public void A_message_2000_past_the_last_received_decrypts_and_2001_is_TooFarInFuture()
    {
        var (alice, bob) = Established();
        var messages = Enumerable.Range(1, 2001).Select(i => alice.Send($"m{i}")).ToList();

        // Bob last received counter 0 on Alice's chain (libsignal-node: chain.chainKey.counter = 0).
        var tooFar = Assert.Throws<SignalDecryptException>(() => bob.Receive(messages[2000]));
        Assert.Equal(DecryptFailure.TooFarInFuture, tooFar.Failure);
        Assert.Equal("m2000", bob.Receive(messages[1999]));
        Assert.Equal(1999, bob.Record.Current!.ReceiverChains[^1].Skipped.Count);

        for (var i = 0; i < 1999; i++)
        {
            Assert.Equal($"m{i + 1}", bob.Receive(messages[i]));
        }

        Assert.Equal("m2001", bob.Receive(messages[2000]));
        Assert.Equal(0, bob.Record.Current!.ReceiverChains[^1].Skipped.Count);
    }

    [Fact]
    public void On_a_new_chain_the_furthest_first_message_is_counter_1999_as_in_libsignal_node()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var messages = Enumerable.Range(0, 2001).Select(i => alice.Send($"m{i}")).ToList();

        // A new chain has derived no key yet (counter −1), so 2000 is 2001 ahead.
        Assert.Equal(DecryptFailure.TooFarInFuture, Assert.Throws<SignalDecryptException>(() => bob.Receive(messages[2000])).Failure);
        Assert.Equal("m1999", bob.Receive(messages[1999]));
        Assert.Equal("m0", bob.Receive(messages[0]));
    }

    [Fact]
    public void Missing_messages_of_the_previous_chain_are_kept_when_the_sender_ratchets()
    {
        var (alice, bob) = Established();
        var oldChain = Enumerable.Range(1, 10).Select(i => alice.Send($"old{i}")).ToList();
        bob.Receive(oldChain[0]);
        alice.Receive(bob.Send("reply"));
        var newChain = alice.Send("new chain");

        // Bob sees the new ratchet key first: previousCounter (10) tells him how far the old chain went.
        Assert.Equal("new chain", bob.Receive(newChain));
        Assert.True(bob.Record.Current!.ReceiverChains[^2].IsClosed);
        for (var i = 9; i >= 1; i--)
        {
            Assert.Equal($"old{i + 1}", bob.Receive(oldChain[i]));
        }
    }

    [Fact]
    public void The_previous_counter_is_the_last_counter_of_the_senders_previous_chain()
    {
        var (alice, bob) = Established();
        for (var i = 0; i < 4; i++)
        {
            bob.Receive(alice.Send("x"));
        }

        alice.Receive(bob.Send("reply"));
        alice.Send("on the new chain");

        // Alice's previous sending chain (begun when Bob's "hello back" arrived) used counters 0..3.
        Assert.Equal(3u, alice.Record.Current!.PreviousCounter);
    }

    [Fact]
    public void A_repeated_message_is_DuplicateMessage()
    {
        var (alice, bob) = Established();
        var message = alice.Send("once");
        var skipped = alice.Send("skipped, then received");
        var later = alice.Send("later");
        bob.Receive(message);
        bob.Receive(later);
        bob.Receive(skipped);

        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(message)).Failure);
        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(skipped)).Failure);
        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(later)).Failure);
    }

    [Fact]
    public void A_repeated_prekey_message_is_DuplicateMessage_even_after_the_session_moved_on()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var first = alice.Send("first");
        bob.Receive(first);
        alice.Receive(bob.Send("reply"));
        bob.Receive(alice.Send("ratcheted"));

        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(first)).Failure);
    }

    [Fact]
    public void At_most_2000_skipped_keys_are_kept_per_chain_and_the_oldest_go_first()
    {
        var (alice, bob) = Established();
        var messages = Enumerable.Range(1, 4000).Select(i => alice.Send($"m{i}")).ToList();

        bob.Receive(messages[1999]); // counter 2000: skips 1..1999
        bob.Receive(messages[3999]); // counter 4000: skips 2001..3999; 3,998 in all, 2,000 kept

        Assert.Equal(SkippedMessageKeys.MaxKeys, bob.Record.Current!.ReceiverChains[^1].Skipped.Count);
        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(messages[1997])).Failure);
        Assert.Equal("m1999", bob.Receive(messages[1998]));
        Assert.Equal("m2001", bob.Receive(messages[2000]));
    }

    [Fact]
    public void Only_five_receiver_chains_are_kept()
    {
        var (alice, bob) = Established();
        var held = alice.Send("held back on the first chain");
        var late = alice.Send("delivered late");
        bob.Receive(held);

        SessionRecord? withFiveChains = null;
        for (var step = 0; step < 5; step++)
        {
            alice.Receive(bob.Send("ping"));
            bob.Receive(alice.Send("pong"));
            if (bob.Record.Current!.ReceiverChains.Length == SessionState.MaxReceiverChains)
            {
                withFiveChains ??= bob.Record;
            }
        }

        Assert.NotNull(withFiveChains);
        Assert.Equal(SessionState.MaxReceiverChains, bob.Record.Current!.ReceiverChains.Length);

        // Four ratchet steps later the first chain is still there; a fifth pushed it out.
        Assert.Equal("delivered late"u8.ToArray(), SessionCipher.Decrypt(withFiveChains, bob.Identity, late, bob).Plaintext);
        Assert.IsType<SignalDecryptException>(Record.Exception(() => bob.Receive(late)));
    }

    [Fact]
    public void Decrypting_leaves_the_input_record_untouched_and_can_be_repeated()
    {
        var (alice, bob) = Established();
        var messages = Enumerable.Range(0, 3).Select(i => alice.Send($"m{i}")).ToList();
        var before = bob.Record;
        var bytesBefore = before.Serialize();

        var afterLast = SessionCipher.Decrypt(before, bob.Identity, messages[2], bob);
        var again = SessionCipher.Decrypt(before, bob.Identity, messages[2], bob);
        var afterFirst = SessionCipher.Decrypt(afterLast.Record, bob.Identity, messages[0], bob);

        Assert.Equal(bytesBefore, before.Serialize());
        Assert.Equal(afterLast.Plaintext, again.Plaintext);
        Assert.Equal("m0"u8.ToArray(), afterFirst.Plaintext);
        Assert.Equal(DecryptFailure.DuplicateMessage, Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(afterFirst.Record, bob.Identity, messages[0], bob)).Failure);
        Assert.Equal("m0"u8.ToArray(), SessionCipher.Decrypt(afterLast.Record, bob.Identity, messages[0], bob).Plaintext);
    }

    [Fact]
    public void Encrypting_leaves_the_input_record_untouched()
    {
        var (alice, _) = Established();
        var before = alice.Record;
        var bytesBefore = before.Serialize();

        var first = SessionCipher.Encrypt(before, alice.Identity, "a"u8);
        var second = SessionCipher.Encrypt(before, alice.Identity, "a"u8);

        Assert.Equal(bytesBefore, before.Serialize());
        Assert.Equal(first.Record.Serialize(), second.Record.Serialize());
    }

    [Fact]
    public void Empty_and_large_plaintexts_round_trip()
    {
        var (alice, bob) = Established();
        var large = new byte[70_000];
        new Random(4).NextBytes(large);

        Assert.Empty(bob.ReceiveBytes(alice.Send([])));
        Assert.Equal(large, bob.ReceiveBytes(alice.Send(large)));
    }

    /// <summary>A session in which each side has decrypted a message of the other.</summary>
    internal static (SessionTestParty Alice, SessionTestParty Bob) Established()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        bob.Receive(alice.Send("hello"));
        alice.Receive(bob.Send("hello back"));
        return (alice, bob);
    }

    private static (CiphertextMessage, string) SendNumbered(SessionTestParty from, ref int sent)
    {
        var text = $"{from.Name} #{sent++}";
        return (from.Send(text), text);
    }

    private static void Deliver(List<(CiphertextMessage Message, string Text)> queue, SessionTestParty to, Random random, ref int delivered)
    {
        // Mostly the oldest message, sometimes any: reordering without starving the queue.
        var index = random.Next(4) == 0 ? random.Next(queue.Count) : 0;
        var (message, text) = queue[index];
        queue.RemoveAt(index);
        Assert.Equal(text, to.Receive(message));
        delivered++;
    }
}
