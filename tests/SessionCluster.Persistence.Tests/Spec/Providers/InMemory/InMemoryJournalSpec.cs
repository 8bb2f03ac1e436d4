using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SessionCluster.Persistence.Tests.Spec.Journal;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.InMemory;

/// <summary>
/// The journal suite on Akka's in-memory journal. It keeps the written objects themselves in a list per
/// persistence id: nothing is serialized, checked for uniqueness or kept past the actor system. Each override below
/// pins where that differs from the spec (docs/PERSISTENCE-SPEC.md, "In-memory journal").
/// </summary>
public sealed class InMemoryJournalSpec(ITestOutputHelper output) : JournalSpec(output)
{
    private const string Differs = " [in-memory differs from the spec]";

    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(InMemoryPlugins.Config);

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_accepts_a_second_event_at_a_used_sequence_number_and_replays_both" + Differs)]
    public override async Task Writing_a_sequence_number_already_stored_fails_the_write_and_keeps_the_stored_event()
    {
        var pid = NewPersistenceId("duplicate");
        await SeedAsync(pid, 3);

        var (batch, perEvent) = await SendWritesAsync(Atomic(Event(pid, 3, "the other incarnation's event-3"), Event(pid, 4)));

        Assert.IsType<WriteMessagesSuccessful>(batch);
        Assert.All(perEvent, reply => Assert.IsType<WriteMessageSuccess>(reply));
        var replay = await ReplayAsync(pid);
        Assert.Equal([1L, 2L, 3L, 3L, 4L], replay.SequenceNrs);
        Assert.Equal([Text(1), Text(2), Text(3), "the other incarnation's event-3", Text(4)], replay.Payloads);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_never_serializes_so_an_event_no_serializer_can_write_is_stored" + Differs)]
    public override async Task An_event_no_serializer_can_write_is_rejected_alone_and_the_events_around_it_are_stored()
    {
        var pid = NewPersistenceId("reject-one");
        var unwritable = new Unwritable("stored anyway");

        var (batch, perEvent) = await SendWritesAsync(Atomic(Event(pid, 1)), Atomic(Event(pid, 2, unwritable)), Atomic(Event(pid, 3)));

        Assert.IsType<WriteMessagesSuccessful>(batch);
        Assert.All(perEvent, reply => Assert.IsType<WriteMessageSuccess>(reply));
        Assert.Equal([Text(1), unwritable, Text(3)], (await ReplayAsync(pid)).Payloads);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_never_rejects_so_an_unwritable_event_advances_the_highest_sequence_number" + Differs)]
    public override async Task A_rejected_write_does_not_advance_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("reject-highest");
        await WriteAsync(Atomic(Event(pid, 1)));

        var (_, perEvent) = await SendWritesAsync(Atomic(Event(pid, 2, new Unwritable("stored anyway"))));

        Assert.IsType<WriteMessageSuccess>(Assert.Single(perEvent));
        Assert.Equal(2, (await ReplayAsync(pid)).HighestSequenceNr);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_stores_an_atomic_write_holding_an_unwritable_event" + Differs)]
    public override async Task An_atomic_write_with_one_unwritable_event_is_rejected_as_a_whole()
    {
        var pid = NewPersistenceId("reject-atomic");
        await WriteAsync(Atomic(Event(pid, 1)));

        var (batch, perEvent) = await SendWritesAsync(Atomic(Event(pid, 2), Event(pid, 3, new Unwritable("stored anyway"))));

        Assert.IsType<WriteMessagesSuccessful>(batch);
        Assert.All(perEvent, reply => Assert.IsType<WriteMessageSuccess>(reply));
        Assert.Equal([1L, 2L, 3L], (await ReplayAsync(pid)).SequenceNrs);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_replays_the_written_object_itself_without_its_serializer" + Differs)]
    public override async Task A_payload_bound_to_a_string_manifest_serializer_replays_through_that_serializer()
    {
        var pid = NewPersistenceId("serializer");
        var payload = new SpecPayload("hello");

        await WriteAsync(Atomic(Event(pid, 1, payload)));

        var replayed = Assert.Single((await ReplayAsync(pid)).Events);
        Assert.Same(payload, replayed.Payload);
        Assert.False(((SpecPayload)replayed.Payload).ReadFromBytes);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_replays_a_tagged_event_still_wrapped_in_Tagged" + Differs)]
    public override async Task A_tagged_event_replays_as_its_payload_without_the_tags()
    {
        var pid = NewPersistenceId("tagged");

        await WriteAsync(Atomic(Event(pid, 1, new Tagged(Text(1), ["account:42", "kind:message"]))));

        var tagged = Assert.IsType<Tagged>(Assert.Single((await ReplayAsync(pid)).Events).Payload);
        Assert.Equal(Text(1), tagged.Payload);
        Assert.Equal(["account:42", "kind:message"], tagged.Tags.Order());
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".The_in_memory_journal_starts_empty_after_a_restart" + Differs)]
    public override async Task Events_and_deletions_survive_a_restart()
    {
        var pid = NewPersistenceId("restart");
        await SeedAsync(pid, 5);

        await RestartActorSystemAsync();

        var replay = await ReplayAsync(pid, from: 0);
        Assert.Empty(replay.Events);
        Assert.Equal(0, replay.HighestSequenceNr);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".Deleting_beyond_the_highest_sequence_number_hides_the_events_later_written_up_to_that_bound" + Differs)]
    public override async Task Deleting_beyond_the_highest_sequence_number_removes_everything_and_later_events_still_replay()
    {
        var pid = NewPersistenceId("delete-beyond");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, 100);
        await WriteAsync(Atomic(Event(pid, 6)), Atomic(Event(pid, 7)));

        var replay = await ReplayAsync(pid);
        Assert.Empty(replay.Events);
        Assert.Equal(7, replay.HighestSequenceNr);

        await WriteAsync([.. Enumerable.Range(8, 94).Select(n => Atomic(Event(pid, n)))]);
        replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 101, 101);
        Assert.Equal(101, replay.HighestSequenceNr);
    }

    [Fact(DisplayName = nameof(InMemoryJournalSpec) + ".Deleting_to_long_MaxValue_hides_every_event_written_later" + Differs)]
    public override async Task Events_written_after_deleting_every_event_replay()
    {
        var pid = NewPersistenceId("delete-all-then-write");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, long.MaxValue);
        await WriteAsync(Atomic(Event(pid, 6)), Atomic(Event(pid, 7)));

        var replay = await ReplayAsync(pid);
        Assert.Empty(replay.Events);
        Assert.Equal(7, replay.HighestSequenceNr);
    }
}
