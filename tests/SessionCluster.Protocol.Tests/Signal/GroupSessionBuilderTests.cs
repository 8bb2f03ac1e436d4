using System.Text;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Signal.SenderKeyProto;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class GroupSessionBuilderTests
{
    [Fact]
    public void A_new_distribution_has_the_wire_layout_of_protocol_section_11()
    {
        var created = GroupSessionBuilder.CreateDistribution(SenderKeyRecord.Empty);
        var state = created.Record.Newest!;
        var message = created.DistributionMessage;

        Assert.Equal(0x33, message[0]);
        var body = SenderKeyDistributionBody.Parser.ParseFrom(message[1..]);
        Assert.Equal(state.KeyId, body.Id);
        Assert.True(body.Id <= int.MaxValue);
        Assert.True(body.HasIteration);
        Assert.Equal(0u, body.Iteration);
        Assert.Equal(state.ChainKey.ToArray(), body.ChainKey.ToByteArray());
        Assert.Equal([0x05, .. state.SigningPublicKey], body.SigningKey.ToByteArray());
        Assert.Equal(body.ToByteArray(), message[1..]);
        Assert.True(state.IsOwn);
        Assert.Equal(1, created.Record.StateCount);
    }

    [Fact]
    public void Creating_again_distributes_the_same_key_at_its_current_iteration()
    {
        var sender = GroupMember.NewSender(out var first);
        var early = GroupMember.NewReceiver(first);
        var sent = Enumerable.Range(0, 3).Select(i => sender.Send($"early {i}")).ToArray();

        var again = GroupSessionBuilder.CreateDistribution(sender.Record);
        Assert.Same(sender.Record, again.Record);
        var firstBody = SenderKeyDistributionBody.Parser.ParseFrom(first[1..]);
        var againBody = SenderKeyDistributionBody.Parser.ParseFrom(again.DistributionMessage[1..]);
        Assert.Equal(firstBody.Id, againBody.Id);
        Assert.Equal(firstBody.SigningKey, againBody.SigningKey);
        Assert.Equal(3u, againBody.Iteration);

        // A member who joins now reads from iteration 3 on, and nothing before.
        var late = GroupMember.NewReceiver(again.DistributionMessage);
        late.Refuses(sent[2], DecryptFailure.DuplicateMessage);
        var next = sender.Send("after join");
        Assert.Equal("after join", late.Receive(next));
        Assert.Equal("early 0", early.Receive(sent[0]));
    }

    [Fact]
    public void A_sixth_key_id_drops_the_oldest_state()
    {
        var receiver = new GroupMember(SenderKeyRecord.Empty);
        var senders = new GroupMember[6];
        for (var i = 0; i < senders.Length; i++)
        {
            senders[i] = GroupMember.NewSender(out var distribution);
            receiver.Process(distribution);
            Assert.Equal(Math.Min(i + 1, SenderKeyRecord.MaxStates), receiver.Record.StateCount);
        }

        Assert.Equal(senders[5].Record.Newest!.KeyId, receiver.Record.Newest!.KeyId);
        receiver.Refuses(senders[0].Send("dropped"), DecryptFailure.NoSession);
        for (var i = 1; i < senders.Length; i++)
        {
            Assert.Equal($"kept {i}", receiver.Receive(senders[i].Send($"kept {i}")));
        }
    }

    [Fact]
    public void A_sender_redistributing_after_a_key_change()
    {
        var before = GroupMember.NewSender(out var oldDistribution);
        var receivers = new[] { GroupMember.NewReceiver(oldDistribution), GroupMember.NewReceiver(oldDistribution) };
        Assert.Equal("old 0", receivers[0].Receive(before.Send("old 0")));
        var lateOld = before.Send("old 1");

        // The sender changes keys (say, a member left): a fresh record, a new key id and signing key.
        var after = GroupMember.NewSender(out var newDistribution);
        Assert.NotEqual(before.Record.Newest!.KeyId, after.Record.Newest!.KeyId);
        foreach (var receiver in receivers)
        {
            receiver.Process(newDistribution);
            Assert.Equal(2, receiver.Record.StateCount);
            Assert.Equal(after.Record.Newest!.KeyId, receiver.Record.Newest!.KeyId);
        }

        var fresh = after.Send("new 0");
        foreach (var receiver in receivers)
        {
            Assert.Equal("new 0", receiver.Receive(fresh));
            Assert.Equal("old 1", receiver.Receive(lateOld));
        }
    }

    [Fact]
    public void Processing_a_distribution_again_does_not_rewind_the_chain()
    {
        var sender = GroupMember.NewSender(out var distribution);
        var receiver = GroupMember.NewReceiver(distribution);
        var sent = Enumerable.Range(0, 3).Select(i => sender.Send($"m{i}")).ToArray();
        foreach (var message in sent)
        {
            receiver.Receive(message);
        }

        receiver.Process(distribution);

        Assert.Equal(1, receiver.Record.StateCount);
        Assert.Equal(3u, receiver.Record.Newest!.Iteration);
        receiver.Refuses(sent[1], DecryptFailure.DuplicateMessage);
    }

    [Fact]
    public void Processing_our_own_distribution_keeps_our_signing_key()
    {
        var sender = GroupMember.NewSender(out var distribution);
        sender.Process(distribution);

        Assert.True(sender.Record.Newest!.IsOwn);
        sender.Send("still sending");
    }

    [Fact]
    public void A_distribution_further_ahead_than_a_message_may_jump_moves_the_chain_there()
    {
        var sender = GroupMember.NewSender(out var distribution);
        var receiver = GroupMember.NewReceiver(distribution);
        receiver.Receive(sender.Send("m0"));
        _ = sender.Send("m1"); // never arrives: its key stays skipped
        receiver.Receive(sender.Send("m2"));

        var state = sender.Record.Newest!;
        var (ahead, message) = AheadOf(state, 2500, "m2500");
        receiver.Refuses(message, DecryptFailure.TooFarInFuture);

        receiver.Process(ahead);

        Assert.Equal(2500u, receiver.Record.Newest!.Iteration);
        Assert.Equal("m2500", receiver.Receive(message));
        Assert.Single(receiver.Record.Newest!.SkippedKeys);
    }

    [Fact]
    public void The_same_key_id_with_another_signing_key_replaces_the_state()
    {
        var sender = GroupMember.NewSender(out var distribution);
        var receiver = GroupMember.NewReceiver(distribution);
        var impostor = Curve25519.GenerateKeyPair();
        var state = sender.Record.Newest!;
        var replacement = SenderKeyDistributionMessage.Serialize(state.KeyId, 0, new byte[32], impostor.PublicKey.Span);

        receiver.Process(replacement);

        Assert.Equal(1, receiver.Record.StateCount);
        Assert.True(receiver.Record.Newest!.HasSigningKey(impostor.PublicKey.Span));
        receiver.Refuses(sender.Send("signed by the old key"), DecryptFailure.InvalidMac);
    }

    [Theory]
    [InlineData("", DecryptFailure.InvalidMessage)]
    [InlineData("23", DecryptFailure.UnsupportedVersion)]
    [InlineData("43", DecryptFailure.UnsupportedVersion)]
    [InlineData("33ff", DecryptFailure.InvalidMessage)]
    [InlineData("33", DecryptFailure.InvalidMessage)]
    public void Malformed_distributions_are_refused(string hex, DecryptFailure failure)
    {
        var error = Assert.Throws<SignalDecryptException>(() => GroupSessionBuilder.ProcessDistribution(SenderKeyRecord.Empty, Convert.FromHexString(hex)));
        Assert.Equal(failure, error.Failure);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("iteration")]
    [InlineData("chainKey")]
    [InlineData("signingKey")]
    [InlineData("shortChainKey")]
    [InlineData("rawSigningKey")]
    [InlineData("wrongKeyType")]
    public void Distributions_missing_a_field_or_with_a_bad_key_are_InvalidMessage(string flaw)
    {
        var body = new SenderKeyDistributionBody
        {
            Id = 7,
            Iteration = 0,
            ChainKey = ByteString.CopyFrom(new byte[32]),
            SigningKey = ByteString.CopyFrom([0x05, .. new byte[32]]),
        };
        switch (flaw)
        {
            case "id": body.ClearId(); break;
            case "iteration": body.ClearIteration(); break;
            case "chainKey": body.ClearChainKey(); break;
            case "signingKey": body.ClearSigningKey(); break;
            case "shortChainKey": body.ChainKey = ByteString.CopyFrom(new byte[31]); break;
            case "rawSigningKey": body.SigningKey = ByteString.CopyFrom(new byte[32]); break;
            case "wrongKeyType": body.SigningKey = ByteString.CopyFrom([0x06, .. new byte[32]]); break;
        }

        var record = GroupMember.NewSender(out _).Record;
        var error = Assert.Throws<SignalDecryptException>(() => GroupSessionBuilder.ProcessDistribution(record, [0x33, .. body.ToByteArray()]));
        Assert.Equal(DecryptFailure.InvalidMessage, error.Failure);
    }

    /// <summary>The distribution and a message the sender of <paramref name="state"/> would produce at <paramref name="iteration"/>.</summary>
    private static (byte[] Distribution, byte[] Message) AheadOf(SenderKeyState state, uint iteration, string text)
    {
        Span<byte> chainKey = stackalloc byte[32];
        Span<byte> next = stackalloc byte[32];
        state.ChainKey.CopyTo(chainKey);
        for (var i = state.Iteration; i < iteration; i++)
        {
            ChainKdf.NextChainKey(chainKey, next);
            next.CopyTo(chainKey);
        }

        Span<byte> seed = stackalloc byte[32];
        Span<byte> messageKey = stackalloc byte[SenderKeyChain.MessageKeySize];
        SenderKeyChain.MessageKeySeed(chainKey, seed);
        SenderKeyChain.MessageKey(seed, messageKey);
        return (
            SenderKeyDistributionMessage.Serialize(state.KeyId, iteration, chainKey, state.SigningPublicKey),
            SenderKeyMessage.Create(state.KeyId, iteration, messageKey, Encoding.UTF8.GetBytes(text), state.SigningPrivateKey));
    }
}
