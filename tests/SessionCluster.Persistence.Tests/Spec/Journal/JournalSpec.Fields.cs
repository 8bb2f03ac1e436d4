using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace SessionCluster.Persistence.Tests.Spec.Journal;

// What an event keeps between its write and its replay: identity, writer, manifest, sender, time, tags, payload,
// and its survival of a restart.
public abstract partial class JournalSpec
{
    [Fact]
    public virtual async Task A_replayed_event_keeps_its_persistence_id_sequence_number_writer_and_manifest()
    {
        var pid = NewPersistenceId("fields");
        await WriteAsync(Atomic(Event(pid, 1, manifest: "account-event/v2")));

        var replayed = Assert.Single((await ReplayAsync(pid)).Events);

        Assert.Equal((pid, 1L, WriterGuid, "account-event/v2", false), (replayed.PersistenceId, replayed.SequenceNr, replayed.WriterGuid, replayed.Manifest, replayed.IsDeleted));
        Assert.Equal(Text(1), replayed.Payload);
    }

    [Fact]
    public virtual async Task The_write_acknowledgement_comes_from_the_events_sender_but_a_replayed_event_has_no_sender()
    {
        var pid = NewPersistenceId("sender");
        var sender = Kit.CreateTestProbe();
        var probe = Kit.CreateTestProbe();

        Journal.Tell(new WriteMessages([Atomic(Event(pid, 1, sender: sender.Ref))], probe.Ref, ActorInstanceId));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>();
        var success = await probe.ExpectMsgAsync<WriteMessageSuccess>();

        Assert.Equal(sender.Ref, success.Persistent.Sender);
        Assert.Equal(sender.Ref, probe.LastSender);
        var replayed = Assert.Single((await ReplayAsync(pid)).Events);
        Assert.True(replayed.Sender is null || replayed.Sender.Equals(ActorRefs.NoSender) || replayed.Sender.Equals(Sys.DeadLetters),
            $"A replayed event came back with the sender {replayed.Sender}.");
    }

    [Fact]
    public virtual async Task A_replayed_event_carries_the_time_it_was_written()
    {
        var pid = NewPersistenceId("timestamp");
        var before = DateTime.UtcNow.Ticks;
        await WriteAsync(Atomic(Event(pid, 1)));
        var after = DateTime.UtcNow.Ticks;

        var replayed = Assert.Single((await ReplayAsync(pid)).Events);

        Assert.InRange(replayed.Timestamp, before, after);
    }

    [Fact]
    public virtual async Task A_tagged_event_replays_as_its_payload_without_the_tags()
    {
        var pid = NewPersistenceId("tagged");

        await WriteAsync(Atomic(Event(pid, 1, new Tagged(Text(1), ["account:42", "kind:message"]))));

        AssertEvents(await ReplayAsync(pid), pid, 1, 1);
    }

    [Fact]
    public virtual async Task A_payload_bound_to_a_string_manifest_serializer_replays_through_that_serializer()
    {
        var pid = NewPersistenceId("serializer");

        await WriteAsync(Atomic(Event(pid, 1, new SpecPayload("hello"))));

        var replayed = Assert.Single((await ReplayAsync(pid)).Events);
        Assert.Equal(SpecPayload.Stored("hello"), replayed.Payload);
    }

    [Fact]
    public virtual async Task Events_and_deletions_survive_a_restart()
    {
        var pid = NewPersistenceId("restart");
        await SeedAsync(pid, 5);
        await DeleteToAsync(pid, 2);

        await RestartActorSystemAsync();

        var replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 3, 5);
        Assert.Equal(5, replay.HighestSequenceNr);
    }
}
