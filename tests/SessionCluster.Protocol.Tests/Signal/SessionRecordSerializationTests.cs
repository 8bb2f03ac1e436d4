using Google.Protobuf;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Signal.Proto;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class SessionRecordSerializationTests
{
    [Fact]
    public void Records_round_trip_at_every_point_of_a_conversation_and_the_conversation_continues()
    {
        var random = new Random(11);
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var toBob = new List<(CiphertextMessage Message, string Text)>();
        var toAlice = new List<(CiphertextMessage Message, string Text)>();
        for (var step = 0; step < 400; step++)
        {
            switch (random.Next(5))
            {
                case 0:
                    toBob.Add((alice.Send($"a{step}"), $"a{step}"));
                    break;
                case 1 when bob.Record.HasCurrentSession:
                    toAlice.Add((bob.Send($"b{step}"), $"b{step}"));
                    break;
                case 2 when toBob.Count > 0:
                    Deliver(toBob, bob, random);
                    break;
                case 3 when toAlice.Count > 0:
                    Deliver(toAlice, alice, random);
                    break;
                case 4:
                    // A re-initiation now and then, so archives are serialized too.
                    if (random.Next(10) == 0)
                    {
                        alice.StartSessionWith(bob);
                    }

                    break;
            }

            alice.Record = RoundTrip(alice.Record);
            bob.Record = RoundTrip(bob.Record);
        }

        Assert.True(alice.Record.ArchivedSessionCount > 0);
    }

    [Fact]
    public void The_empty_record_round_trips()
    {
        var bytes = SessionRecord.Empty.Serialize();
        var record = SessionRecord.Deserialize(bytes);

        Assert.False(record.HasCurrentSession);
        Assert.Equal(0, record.ArchivedSessionCount);
        Assert.Equal(bytes, record.Serialize());
    }

    [Fact]
    public void An_established_session_is_a_few_hundred_bytes()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        bob.Receive(alice.Send("x"));

        Assert.InRange(alice.Record.Serialize().Length, 200, 400);
        Assert.InRange(bob.Record.Serialize().Length, 200, 400);
    }

    [Fact]
    public void Garbage_and_every_truncation_are_SignalRecordException()
    {
        var (alice, _) = RatchetConversationTests.Established();
        var bytes = alice.Record.Serialize();

        Assert.Throws<SignalRecordException>(() => SessionRecord.Deserialize([0xff, 0xff, 0xff]));
        for (var length = 0; length < bytes.Length; length++)
        {
            var outcome = Record.Exception(() => SessionRecord.Deserialize(bytes.AsSpan(0, length)));
            Assert.IsType<SignalRecordException>(outcome);
        }
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    [InlineData(99u)]
    public void A_record_of_an_unknown_version_is_refused(uint version)
    {
        var (alice, _) = RatchetConversationTests.Established();
        var structure = SessionRecordStructure.Parser.ParseFrom(alice.Record.Serialize());
        structure.Version = version;

        var error = Assert.Throws<SignalRecordException>(() => SessionRecord.Deserialize(structure.ToByteArray()));

        Assert.Contains("version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_of_the_wrong_length_and_inconsistent_skipped_keys_are_refused()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        var messages = Enumerable.Range(0, 3).Select(i => alice.Send($"{i}")).ToList();
        bob.Receive(messages[2]);
        var good = SessionRecordStructure.Parser.ParseFrom(bob.Record.Serialize());
        Assert.Equal(2, good.Current.ReceiverChains[^1].SkippedCounters.Count);

        AssertRefused(good, s => s.Current.RootKey = ByteString.CopyFrom(new byte[31]));
        AssertRefused(good, s => s.Current.ReceiverChains[^1].SkippedSeeds = ByteString.CopyFrom(new byte[33]));
        AssertRefused(good, s => s.Current.ReceiverChains[^1].SkippedCounters[0] = 5);
        AssertRefused(good, s => s.Current.ReceiverChains[^1].NextIndex = 1);
        AssertRefused(good, s => s.Current.CloseOrdinal = 3);
    }

    [Fact]
    public void A_record_never_shows_keys_in_its_string()
    {
        var (alice, _) = RatchetConversationTests.Established();

        Assert.Equal("SessionRecord(open session, 0 archived)", alice.Record.ToString());
    }

    private static void AssertRefused(SessionRecordStructure good, Action<SessionRecordStructure> corrupt)
    {
        var copy = good.Clone();
        corrupt(copy);
        Assert.Throws<SignalRecordException>(() => SessionRecord.Deserialize(copy.ToByteArray()));
    }

    private static SessionRecord RoundTrip(SessionRecord record)
    {
        var bytes = record.Serialize();
        var copy = SessionRecord.Deserialize(bytes);
        Assert.Equal(bytes, copy.Serialize());
        Assert.Equal(record.HasCurrentSession, copy.HasCurrentSession);
        Assert.Equal(record.ArchivedSessionCount, copy.ArchivedSessionCount);
        return copy;
    }

    private static void Deliver(List<(CiphertextMessage Message, string Text)> queue, SessionTestParty to, Random random)
    {
        var index = random.Next(queue.Count);
        var (message, text) = queue[index];
        queue.RemoveAt(index);
        Assert.Equal(text, to.Receive(message));
    }
}
