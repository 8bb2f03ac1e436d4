using Akka.Actor;
using Akka.Persistence;

namespace SessionCluster.Persistence.Tests.Spec.Journal;

// WriteMessages: acknowledgement, rejection (the event could not be serialized: that atomic write only, the actor
// carries on) versus failure (the store refused the batch: the actor stops), and atomic writes being all-or-nothing.
public abstract partial class JournalSpec
{
    /// <summary>Sends one WriteMessages and collects the batch reply and then one reply per event.</summary>
    protected async Task<(object Batch, IReadOnlyList<object> PerEvent)> SendWritesAsync(params AtomicWrite[] writes)
    {
        var probe = Kit.CreateTestProbe();
        Journal.Tell(new WriteMessages(writes, probe.Ref, ActorInstanceId));
        var batch = await probe.ExpectMsgAsync<object>();
        var perEvent = new List<object>();
        for (var i = writes.SelectMany(EventsOf).Count(); i > 0; i--)
        {
            perEvent.Add(await probe.ExpectMsgAsync<object>());
        }

        return (batch, perEvent);
    }

    [Fact]
    public virtual async Task A_batch_is_acknowledged_once_and_then_event_by_event_in_write_order()
    {
        var pid = NewPersistenceId("acks");

        var (batch, perEvent) = await SendWritesAsync(Atomic(Event(pid, 1)), Atomic(Event(pid, 2), Event(pid, 3)), Atomic(Event(pid, 4)));

        Assert.IsType<WriteMessagesSuccessful>(batch);
        Assert.All(perEvent, reply => Assert.Equal(ActorInstanceId, Assert.IsType<WriteMessageSuccess>(reply).ActorInstanceId));
        Assert.Equal([1L, 2L, 3L, 4L], perEvent.Select(reply => ((WriteMessageSuccess)reply).Persistent.SequenceNr));
    }

    [Fact]
    public virtual async Task An_atomic_write_of_several_events_is_stored_as_one()
    {
        var pid = NewPersistenceId("atomic");

        await WriteAsync(Atomic(Event(pid, 1), Event(pid, 2), Event(pid, 3)));

        AssertEvents(await ReplayAsync(pid), pid, 1, 3);
    }

    [Fact]
    public virtual async Task An_event_no_serializer_can_write_is_rejected_alone_and_the_events_around_it_are_stored()
    {
        var pid = NewPersistenceId("reject-one");

        var (batch, perEvent) = await SendWritesAsync(
            Atomic(Event(pid, 1)), Atomic(Event(pid, 2, new Unwritable("rejected alone"))), Atomic(Event(pid, 3)));

        Assert.IsType<WriteMessagesSuccessful>(batch);
        Assert.Equal(1, Assert.IsType<WriteMessageSuccess>(perEvent[0]).Persistent.SequenceNr);
        var rejected = Assert.IsType<WriteMessageRejected>(perEvent[1]);
        Assert.Equal((2L, ActorInstanceId), (rejected.Persistent.SequenceNr, rejected.ActorInstanceId));
        Assert.IsType<Unwritable>(rejected.Persistent.Payload);
        Assert.NotNull(rejected.Cause);
        Assert.Equal(3, Assert.IsType<WriteMessageSuccess>(perEvent[2]).Persistent.SequenceNr);
        var replay = await ReplayAsync(pid);
        Assert.Equal([1L, 3L], replay.SequenceNrs);
        Assert.Equal(3, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_rejected_write_does_not_advance_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("reject-highest");
        await WriteAsync(Atomic(Event(pid, 1)));

        var (_, perEvent) = await SendWritesAsync(Atomic(Event(pid, 2, new Unwritable("rejected last"))));

        Assert.IsType<WriteMessageRejected>(Assert.Single(perEvent));
        var replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 1, 1);
        Assert.Equal(1, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task An_atomic_write_with_one_unwritable_event_is_rejected_as_a_whole()
    {
        var pid = NewPersistenceId("reject-atomic");
        await WriteAsync(Atomic(Event(pid, 1)));

        var (batch, perEvent) = await SendWritesAsync(Atomic(Event(pid, 2), Event(pid, 3, new Unwritable("spoils its atomic write"))));

        Assert.IsType<WriteMessagesSuccessful>(batch);
        Assert.Equal([2L, 3L], perEvent.Select(reply => Assert.IsType<WriteMessageRejected>(reply).Persistent.SequenceNr));
        var replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 1, 1);
        Assert.Equal(1, replay.HighestSequenceNr);
    }

    /// <summary>
    /// Two incarnations of one session writing at once (a split brain, a slow handoff) must not both succeed:
    /// the second write of a sequence number fails, and with it the rest of its atomic write.
    /// </summary>
    [Fact]
    public virtual async Task Writing_a_sequence_number_already_stored_fails_the_write_and_keeps_the_stored_event()
    {
        var pid = NewPersistenceId("duplicate");
        await SeedAsync(pid, 3);

        var (batch, perEvent) = await SendWritesAsync(Atomic(Event(pid, 3, "the other incarnation's event-3"), Event(pid, 4)));

        Assert.Equal(1, Assert.IsType<WriteMessagesFailed>(batch).WriteCount);
        Assert.Equal([3L, 4L], perEvent.Select(reply => Assert.IsType<WriteMessageFailure>(reply).Persistent.SequenceNr));
        var replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 1, 3);
        Assert.Equal(3, replay.HighestSequenceNr);
    }
}
