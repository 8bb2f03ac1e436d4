using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class GroupCipherTests(LongConversation conversation) : IClassFixture<LongConversation>
{
    [Fact]
    public void Messages_from_one_distribution_decrypt_at_every_receiver()
    {
        var sender = GroupMember.NewSender(out var distribution);
        var receivers = Enumerable.Range(0, 3).Select(_ => GroupMember.NewReceiver(distribution)).ToArray();

        for (var i = 0; i < 40; i++)
        {
            var message = sender.Send($"hello {i}");
            foreach (var receiver in receivers)
            {
                Assert.Equal($"hello {i}", receiver.Receive(message));
            }
        }
    }

    [Fact]
    public void Encrypt_moves_the_iteration_one_step_per_message()
    {
        var sender = GroupMember.NewSender(out _);
        for (var i = 0u; i < 5; i++)
        {
            var message = SenderKeyMessage.Parse(sender.Send("x"));
            Assert.Equal(i, message.Iteration);
        }

        Assert.Equal(5u, sender.Record.Newest!.Iteration);
    }

    [Fact]
    public void A_gap_of_2000_decrypts_and_keeps_every_skipped_key()
    {
        var receiver = GroupMember.NewReceiver(conversation.Distribution);

        Assert.Equal(LongConversation.Text(2000), receiver.Receive(conversation.Messages[2000]));
        Assert.Equal(2000, receiver.Record.Newest!.SkippedKeys.Count);

        foreach (var i in new[] { 0, 1, 1000, 1999 })
        {
            Assert.Equal(LongConversation.Text(i), receiver.Receive(conversation.Messages[i]));
        }

        Assert.Equal(1996, receiver.Record.Newest!.SkippedKeys.Count);
    }

    [Fact]
    public void A_message_2001_ahead_of_the_chain_is_too_far_in_the_future()
    {
        var receiver = GroupMember.NewReceiver(conversation.Distribution);
        receiver.Refuses(conversation.Messages[2001], DecryptFailure.TooFarInFuture);

        // The limit counts from where the chain stands: one message later, 2001 is only 2000 ahead.
        Assert.Equal(LongConversation.Text(0), receiver.Receive(conversation.Messages[0]));
        Assert.Equal(LongConversation.Text(2001), receiver.Receive(conversation.Messages[2001]));
    }

    [Fact]
    public void At_most_2000_skipped_keys_are_kept_and_the_oldest_go_first()
    {
        var receiver = GroupMember.NewReceiver(conversation.Distribution);
        receiver.Receive(conversation.Messages[2000]);
        receiver.Receive(conversation.Messages[2002]);

        Assert.Equal(2000, receiver.Record.Newest!.SkippedKeys.Count);
        receiver.Refuses(conversation.Messages[0], DecryptFailure.DuplicateMessage);
        Assert.Equal(LongConversation.Text(1), receiver.Receive(conversation.Messages[1]));
        Assert.Equal(LongConversation.Text(2001), receiver.Receive(conversation.Messages[2001]));
    }

    [Fact]
    public void A_jump_of_2000_leaves_only_the_keys_it_skipped()
    {
        var receiver = GroupMember.NewReceiver(conversation.Distribution);
        receiver.Receive(conversation.Messages[50]);
        receiver.Receive(conversation.Messages[2051]);

        var skipped = receiver.Record.Newest!.SkippedKeys;
        Assert.Equal(2000, skipped.Count);
        Assert.Equal(51u, skipped.Min.Iteration);
        Assert.Equal(2050u, skipped.Max.Iteration);
        receiver.Refuses(conversation.Messages[49], DecryptFailure.DuplicateMessage);
        Assert.Equal(LongConversation.Text(51), receiver.Receive(conversation.Messages[51]));
        Assert.Equal(LongConversation.Text(2050), receiver.Receive(conversation.Messages[2050]));
    }

    [Fact]
    public void Out_of_order_messages_within_the_window_all_decrypt()
    {
        var order = Enumerable.Range(0, 200).ToArray();
        new Random(20240601).Shuffle(order);
        var receiver = GroupMember.NewReceiver(conversation.Distribution);

        foreach (var i in order)
        {
            Assert.Equal(LongConversation.Text(i), receiver.Receive(conversation.Messages[i]));
        }

        Assert.Empty(receiver.Record.Newest!.SkippedKeys);
        Assert.Equal(200u, receiver.Record.Newest!.Iteration);
    }

    [Fact]
    public void A_message_already_decrypted_is_a_duplicate()
    {
        var receiver = GroupMember.NewReceiver(conversation.Distribution);
        receiver.Receive(conversation.Messages[0]);
        receiver.Receive(conversation.Messages[3]);
        receiver.Receive(conversation.Messages[1]);

        receiver.Refuses(conversation.Messages[0], DecryptFailure.DuplicateMessage);
        receiver.Refuses(conversation.Messages[1], DecryptFailure.DuplicateMessage);
        receiver.Refuses(conversation.Messages[3], DecryptFailure.DuplicateMessage);
        Assert.Equal(LongConversation.Text(2), receiver.Receive(conversation.Messages[2]));
        receiver.Refuses(conversation.Messages[2], DecryptFailure.DuplicateMessage);
    }

    [Fact]
    public void Decrypt_leaves_the_record_it_was_given_as_it_was()
    {
        var record = GroupSessionBuilder.ProcessDistribution(SenderKeyRecord.Empty, conversation.Distribution);
        var before = record.Serialize();

        var first = GroupCipher.Decrypt(record, conversation.Messages[5]);
        var again = GroupCipher.Decrypt(record, conversation.Messages[5]);

        Assert.Equal(first.Plaintext, again.Plaintext);
        Assert.Equal(before, record.Serialize());
        Assert.Equal(0u, record.Newest!.Iteration);
        Assert.Equal(6u, first.Record.Newest!.Iteration);
        Assert.Equal(5, first.Record.Newest!.SkippedKeys.Count);
    }

    [Fact]
    public void Encrypt_leaves_the_record_it_was_given_as_it_was()
    {
        var sender = GroupSessionBuilder.CreateDistribution(SenderKeyRecord.Empty).Record;
        var before = sender.Serialize();

        var first = GroupCipher.Encrypt(sender, "a"u8);
        var second = GroupCipher.Encrypt(first.Record, "b"u8);

        Assert.Equal(before, sender.Serialize());
        Assert.Equal(1u, first.Record.Newest!.Iteration);
        Assert.Equal(2u, second.Record.Newest!.Iteration);
    }

    [Fact]
    public void Only_our_own_state_can_encrypt()
    {
        var receiver = GroupSessionBuilder.ProcessDistribution(SenderKeyRecord.Empty, conversation.Distribution);

        Assert.Throws<InvalidOperationException>(() => GroupCipher.Encrypt(receiver, "x"u8));
        Assert.Throws<InvalidOperationException>(() => GroupCipher.Encrypt(SenderKeyRecord.Empty, "x"u8));
    }

    [Fact]
    public void A_key_id_the_record_does_not_hold_is_NoSession()
    {
        var other = GroupMember.NewSender(out var otherDistribution);
        var receiver = GroupMember.NewReceiver(otherDistribution);

        receiver.Refuses(conversation.Messages[0], DecryptFailure.NoSession);
        new GroupMember(SenderKeyRecord.Empty).Refuses(conversation.Messages[0], DecryptFailure.NoSession);
        Assert.Equal("still here", receiver.Receive(other.Send("still here")));
    }

    [Fact]
    public void Empty_and_large_plaintexts_round_trip()
    {
        var sender = GroupMember.NewSender(out var distribution);
        var receiver = GroupMember.NewReceiver(distribution);
        var large = new byte[70_000];
        new Random(7).NextBytes(large);

        var empty = GroupCipher.Encrypt(sender.Record, ReadOnlySpan<byte>.Empty);
        var big = GroupCipher.Encrypt(empty.Record, large);

        var first = GroupCipher.Decrypt(receiver.Record, empty.Ciphertext);
        Assert.Empty(first.Plaintext);
        Assert.Equal(large, GroupCipher.Decrypt(first.Record, big.Ciphertext).Plaintext);
    }
}
