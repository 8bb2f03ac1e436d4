using Google.Protobuf;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Signal.SenderKeyProto;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class SenderKeyRecordTests(LongConversation conversation) : IClassFixture<LongConversation>
{
    [Fact]
    public void The_empty_record_round_trips()
    {
        var bytes = SenderKeyRecord.Empty.Serialize();
        var read = SenderKeyRecord.Deserialize(bytes);

        Assert.True(read.IsEmpty);
        Assert.Equal(0, read.StateCount);
        Assert.Equal(bytes, read.Serialize());
    }

    [Fact]
    public void A_conversation_continues_across_a_round_trip_of_both_records()
    {
        var sender = GroupMember.NewSender(out var distribution);
        var other = GroupMember.NewSender(out var otherDistribution);
        var receiver = GroupMember.NewReceiver(otherDistribution);
        receiver.Process(distribution);
        var sent = Enumerable.Range(0, 10).Select(i => sender.Send($"m{i}")).ToArray();
        receiver.Receive(sent[0]);
        receiver.Receive(sent[4]);
        receiver.Receive(sent[2]);
        receiver.Receive(other.Send("other 0"));

        var senderBytes = sender.Record.Serialize();
        var receiverBytes = receiver.Record.Serialize();
        sender = new GroupMember(SenderKeyRecord.Deserialize(senderBytes));
        receiver = new GroupMember(SenderKeyRecord.Deserialize(receiverBytes));

        // The stored form is canonical: reading and writing again gives the same bytes.
        Assert.Equal(senderBytes, sender.Record.Serialize());
        Assert.Equal(receiverBytes, receiver.Record.Serialize());
        Assert.Equal(2, receiver.Record.StateCount);
        Assert.True(sender.Record.Newest!.IsOwn);
        Assert.False(receiver.Record.Newest!.IsOwn);

        Assert.Equal("m3", receiver.Receive(sent[3]));
        Assert.Equal("m1", receiver.Receive(sent[1]));
        receiver.Refuses(sent[2], DecryptFailure.DuplicateMessage);
        Assert.Equal("m9", receiver.Receive(sent[9]));
        Assert.Equal("m10", receiver.Receive(sender.Send("m10")));
        Assert.Equal("other 1", receiver.Receive(other.Send("other 1")));
    }

    [Fact]
    public void A_full_skipped_key_set_stays_compact()
    {
        var receiver = GroupMember.NewReceiver(conversation.Distribution);
        receiver.Receive(conversation.Messages[2000]);

        var bytes = receiver.Record.Serialize();

        // 2,000 seeds of 32 bytes, about one byte per delta-coded iteration, and a little framing.
        Assert.InRange(bytes.Length, 2000 * 32, (2000 * 33) + 200);
        var read = SenderKeyRecord.Deserialize(bytes);
        Assert.Equal(bytes, read.Serialize());
        Assert.Equal(LongConversation.Text(1234), new GroupMember(read).Receive(conversation.Messages[1234]));
    }

    [Fact]
    public void ToString_names_key_ids_and_iterations_but_no_key_material()
    {
        var sender = GroupMember.NewSender(out _);
        var state = sender.Record.Newest!;

        var text = sender.Record.ToString();

        Assert.Contains($"key {state.KeyId} at 0 (own)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(state.ChainKey), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(state.ChainKey), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ff")]
    [InlineData("0802120a")]
    public void Bytes_that_are_not_a_record_are_refused(string hex)
    {
        Assert.Throws<SignalRecordException>(() => SenderKeyRecord.Deserialize(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    [InlineData(99u)]
    public void A_record_version_this_build_does_not_know_is_refused(uint version)
    {
        var data = ValidData();
        data.Version = version;

        var error = Assert.Throws<SignalRecordException>(() => SenderKeyRecord.Deserialize(data.ToByteArray()));
        Assert.Contains("version", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no version")]
    [InlineData("six states")]
    [InlineData("duplicate key id")]
    [InlineData("no chain key")]
    [InlineData("short chain key")]
    [InlineData("short public key")]
    [InlineData("short private key")]
    [InlineData("seeds without iterations")]
    [InlineData("iterations without seeds")]
    [InlineData("skipped iteration listed twice")]
    [InlineData("skipped iteration at the chain")]
    [InlineData("too many skipped keys")]
    public void Corrupt_records_are_refused(string flaw)
    {
        var data = ValidData();
        var state = data.States[0];
        switch (flaw)
        {
            case "no version": data.ClearVersion(); break;
            case "six states": for (var i = 0u; i < 5; i++) { data.States.Add(WithKeyId(state, 100 + i)); } break;
            case "duplicate key id": data.States.Add(state.Clone()); break;
            case "no chain key": state.ClearChainKey(); break;
            case "short chain key": state.ChainKey = ByteString.CopyFrom(new byte[31]); break;
            case "short public key": state.SigningPublicKey = ByteString.CopyFrom(new byte[33]); break;
            case "short private key": state.SigningPrivateKey = ByteString.CopyFrom(new byte[16]); break;
            case "seeds without iterations": state.SkippedIterationDeltas.Clear(); break;
            case "iterations without seeds": state.ClearSkippedSeeds(); break;
            case "skipped iteration listed twice": state.SkippedIterationDeltas[1] = 0; break;
            case "skipped iteration at the chain": state.Iteration = 3; break;
            case "too many skipped keys":
                state.Iteration = 5000;
                state.SkippedIterationDeltas.Clear();
                state.SkippedIterationDeltas.Add(Enumerable.Repeat(1u, 2001));
                state.SkippedSeeds = ByteString.CopyFrom(new byte[2001 * 32]);
                break;
        }

        Assert.Throws<SignalRecordException>(() => SenderKeyRecord.Deserialize(data.ToByteArray()));
    }

    [Fact]
    public void The_valid_data_the_corruption_tests_start_from_is_accepted()
    {
        var record = SenderKeyRecord.Deserialize(ValidData().ToByteArray());

        Assert.Equal(1, record.StateCount);
        Assert.Equal(new uint[] { 1, 3 }, record.Newest!.SkippedKeys.Select(k => k.Iteration));
    }

    /// <summary>One state at iteration 4 with skipped iterations 1 and 3.</summary>
    private static SenderKeyRecordData ValidData()
    {
        var state = new SenderKeyStateData
        {
            KeyId = 42,
            Iteration = 4,
            ChainKey = ByteString.CopyFrom(new byte[32]),
            SigningPublicKey = ByteString.CopyFrom(new byte[32]),
            SkippedSeeds = ByteString.CopyFrom(new byte[64]),
        };
        state.SkippedIterationDeltas.Add([1, 2]);
        return new SenderKeyRecordData { Version = 1, States = { state } };
    }

    private static SenderKeyStateData WithKeyId(SenderKeyStateData state, uint keyId)
    {
        var copy = state.Clone();
        copy.KeyId = keyId;
        return copy;
    }
}
