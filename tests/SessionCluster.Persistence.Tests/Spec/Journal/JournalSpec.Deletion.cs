namespace SessionCluster.Persistence.Tests.Spec.Journal;

// DeleteMessagesTo: what it removes, and that the highest sequence number survives it (a persistent actor that
// deleted its events after a snapshot must not reuse their sequence numbers).
public abstract partial class JournalSpec
{
    [Fact]
    public virtual async Task Deleting_up_to_a_sequence_number_removes_those_events_from_every_later_replay()
    {
        var pid = NewPersistenceId("delete-to");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, 3);

        AssertEvents(await ReplayAsync(pid), pid, 4, 5);
        AssertEvents(await ReplayAsync(pid, from: 1, to: 3), pid, 1, 0);
    }

    [Fact]
    public virtual async Task Deleting_some_events_keeps_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("delete-keeps-highest");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, 3);

        Assert.Equal(5, (await ReplayAsync(pid, from: 0)).HighestSequenceNr);
    }

    [Fact]
    public virtual async Task Deleting_every_event_keeps_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("delete-all");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, long.MaxValue);

        var replay = await ReplayAsync(pid, from: 0);
        Assert.Empty(replay.Events);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    /// <summary>What a persistent actor does after a snapshot: DeleteMessages(long.MaxValue), then carry on writing.</summary>
    [Fact]
    public virtual async Task Events_written_after_deleting_every_event_replay()
    {
        var pid = NewPersistenceId("delete-all-then-write");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, long.MaxValue);
        await WriteAsync(Atomic(Event(pid, 6)), Atomic(Event(pid, 7)));

        var replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 6, 7);
        Assert.Equal(7, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task Deleting_exactly_up_to_the_highest_sequence_number_keeps_it()
    {
        var pid = NewPersistenceId("delete-to-highest");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 0);
        Assert.Empty(replay.Events);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task Deleting_beyond_the_highest_sequence_number_removes_everything_and_later_events_still_replay()
    {
        var pid = NewPersistenceId("delete-beyond");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, 100);
        await WriteAsync(Atomic(Event(pid, 6)), Atomic(Event(pid, 7)));

        var replay = await ReplayAsync(pid);
        AssertEvents(replay, pid, 6, 7);
        Assert.Equal(7, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task Deleting_from_a_persistence_id_never_written_succeeds_and_leaves_nothing_to_replay()
    {
        var pid = NewPersistenceId("delete-never-written");

        await DeleteToAsync(pid, 10);

        var replay = await ReplayAsync(pid, from: 0);
        Assert.Empty(replay.Events);
        Assert.Equal(0, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task Deleting_the_events_of_one_persistence_id_leaves_the_others()
    {
        var pid = NewPersistenceId("delete-one");
        var neighbour = NewPersistenceId("delete-one-neighbour");
        await SeedAsync(pid, 3);
        await SeedAsync(neighbour, 3);

        await DeleteToAsync(pid, long.MaxValue);

        AssertEvents(await ReplayAsync(neighbour), neighbour, 1, 3);
    }
}
