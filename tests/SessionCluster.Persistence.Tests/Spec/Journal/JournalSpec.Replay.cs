namespace SessionCluster.Persistence.Tests.Spec.Journal;

// Replay: which events come back for a range and a count limit, and the highest sequence number that ends it.
public abstract partial class JournalSpec
{
    [Fact]
    public virtual async Task A_full_replay_returns_every_event_in_order_and_ends_with_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("replay-all");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid);

        AssertEvents(replay, pid, 1, 5);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_from_a_lower_bound_starts_at_that_event()
    {
        var pid = NewPersistenceId("replay-from");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 3);

        AssertEvents(replay, pid, 3, 5);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_to_an_upper_bound_stops_there_yet_reports_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("replay-to");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, to: 3);

        AssertEvents(replay, pid, 1, 3);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_with_a_count_limit_returns_at_most_that_many_events()
    {
        var pid = NewPersistenceId("replay-max");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, max: 3);

        AssertEvents(replay, pid, 1, 3);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_between_two_bounds_returns_the_range_and_a_count_limit_shortens_it()
    {
        var pid = NewPersistenceId("replay-range");
        await SeedAsync(pid, 5);

        AssertEvents(await ReplayAsync(pid, from: 2, to: 3), pid, 2, 3);
        AssertEvents(await ReplayAsync(pid, from: 2, to: 5, max: 2), pid, 2, 3);
        AssertEvents(await ReplayAsync(pid, from: 2, to: 4, max: 1), pid, 2, 2);
    }

    [Fact]
    public virtual async Task A_replay_with_equal_bounds_returns_that_single_event()
    {
        var pid = NewPersistenceId("replay-single");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 2, to: 2);

        AssertEvents(replay, pid, 2, 2);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_with_a_count_limit_of_zero_returns_no_events_but_the_highest_sequence_number()
    {
        var pid = NewPersistenceId("replay-zero");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 2, to: 4, max: 0);

        Assert.Empty(replay.Events);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_whose_lower_bound_is_above_its_upper_bound_returns_no_events()
    {
        var pid = NewPersistenceId("replay-inverted");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 3, to: 2);

        Assert.Empty(replay.Events);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_starting_past_the_highest_sequence_number_returns_no_events()
    {
        var pid = NewPersistenceId("replay-past");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 6);

        Assert.Empty(replay.Events);
        Assert.Equal(5, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_of_a_persistence_id_never_written_returns_nothing_and_highest_zero()
    {
        var replay = await ReplayAsync(NewPersistenceId("never-written"), from: 0);

        Assert.Empty(replay.Events);
        Assert.Equal(0, replay.HighestSequenceNr);
    }

    [Fact]
    public virtual async Task A_replay_returns_only_the_events_of_its_own_persistence_id()
    {
        var pid = NewPersistenceId("replay-own");
        var neighbour = NewPersistenceId("replay-own-neighbour");
        await SeedAsync(neighbour, 4);
        await SeedAsync(pid, 3);

        AssertEvents(await ReplayAsync(pid), pid, 1, 3);
        AssertEvents(await ReplayAsync(neighbour), neighbour, 1, 4);
    }

    /// <summary>More events than one page of the SQL journal's replay (replay-batch-size, 1000 by default).</summary>
    [Fact]
    public virtual async Task A_replay_of_many_events_returns_every_one_in_order()
    {
        const int count = 2_500;
        var pid = NewPersistenceId("replay-many");
        for (var start = 1; start <= count; start += 500)
        {
            await WriteAsync([.. Enumerable.Range(start, 500).Select(n => Atomic(Event(pid, n)))]);
        }

        var replay = await ReplayAsync(pid);

        AssertEvents(replay, pid, 1, count);
        Assert.Equal(count, replay.HighestSequenceNr);
    }
}
