using Akka.Persistence.Query;
using Akka.Streams.TestKit;

namespace SessionCluster.Persistence.Tests.Spec.Query;

// CurrentEventsByPersistenceId: the events stored when it runs, within the range, then completion.
public abstract partial class ReadJournalSpec
{
    [Fact]
    public virtual async Task Current_events_arrive_in_order_as_demand_allows_and_then_the_stream_completes()
    {
        var pid = NewPersistenceId("current-all");
        await WriteAsync(pid, 1, 3);

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, long.MaxValue));

        probe.Request(2);
        await ExpectEventsAsync(probe, pid, 1, 2);
        probe.Request(2);
        await ExpectEventsAsync(probe, pid, 3, 3);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_stop_at_the_upper_bound()
    {
        var pid = NewPersistenceId("current-to");
        await WriteAsync(pid, 1, 3);

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, 2));

        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 1, 2);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_start_at_the_lower_bound()
    {
        var pid = NewPersistenceId("current-from");
        await WriteAsync(pid, 1, 3);

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 2, long.MaxValue));

        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 2, 3);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_of_a_persistence_id_never_written_complete_empty()
    {
        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(NewPersistenceId("current-never"), 0, long.MaxValue));

        probe.Request(1);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_of_an_empty_range_complete_empty()
    {
        var pid = NewPersistenceId("current-empty-range");
        await WriteAsync(pid, 1, 3);

        var inverted = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 4, 3));
        inverted.Request(1);
        await inverted.ExpectCompleteAsync();

        var zero = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, 0));
        zero.Request(1);
        await zero.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_do_not_include_an_event_written_after_the_query_read_the_store()
    {
        var pid = NewPersistenceId("current-later");
        await WriteAsync(pid, 1, 3);

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, long.MaxValue));
        probe.Request(2);
        await ExpectEventsAsync(probe, pid, 1, 2);
        await WriteAsync(pid, 4, 4);

        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 3, 3);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_leave_out_deleted_events()
    {
        var pid = NewPersistenceId("current-deleted");
        await WriteAsync(pid, 1, 3);
        await DeleteToAsync(pid, 2);

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, long.MaxValue));

        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 3, 3);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_events_after_every_event_was_deleted_complete_empty()
    {
        var pid = NewPersistenceId("current-all-deleted");
        await WriteAsync(pid, 1, 3);
        await DeleteToAsync(pid, 3);

        var all = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, long.MaxValue));
        all.Request(1);
        await all.ExpectCompleteAsync();

        var zero = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, 0));
        zero.Request(1);
        await zero.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Current_envelopes_carry_the_write_time_and_offsets_that_grow_with_the_sequence_number()
    {
        var pid = NewPersistenceId("current-envelope");
        var before = DateTime.UtcNow.Ticks;
        await WriteAsync(pid, 1, 3);
        var after = DateTime.UtcNow.Ticks;

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, long.MaxValue));
        probe.Request(5);
        var envelopes = new[] { await probe.ExpectNextAsync(), await probe.ExpectNextAsync(), await probe.ExpectNextAsync() };
        await probe.ExpectCompleteAsync();

        Assert.All(envelopes, e => Assert.InRange(e.Timestamp, before, after));
        var offsets = envelopes.Select(e => Assert.IsType<Sequence>(e.Offset).Value).ToArray();
        Assert.True(offsets[0] < offsets[1] && offsets[1] < offsets[2], $"Offsets {string.Join(", ", offsets)} do not grow.");
    }

    [Fact]
    public virtual async Task A_tagged_event_arrives_as_its_payload_with_its_tags()
    {
        var pid = NewPersistenceId("current-tagged");
        await WriteAsync(pid, 1, 1, "account:42", "kind:message");

        var probe = Run(CurrentQueries.CurrentEventsByPersistenceId(pid, 0, long.MaxValue));
        probe.Request(5);
        var envelope = await probe.ExpectNextAsync();
        await probe.ExpectCompleteAsync();

        Assert.Equal(Text(1), envelope.Event);
        Assert.Equal(["account:42", "kind:message"], envelope.Tags.Order());
    }
}
