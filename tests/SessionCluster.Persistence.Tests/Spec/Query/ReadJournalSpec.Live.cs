using Akka.Streams.TestKit;

namespace SessionCluster.Persistence.Tests.Spec.Query;

// EventsByPersistenceId: the stored events, then every event written while the stream runs.
public abstract partial class ReadJournalSpec
{
    [Fact]
    public virtual async Task Live_events_include_the_stored_events_and_then_those_written_while_the_stream_runs()
    {
        var pid = NewPersistenceId("live");
        await WriteAsync(pid, 1, 3);

        var probe = Run(LiveQueries.EventsByPersistenceId(pid, 0, long.MaxValue));
        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 1, 3);
        await WriteAsync(pid, 4, 4);

        await ExpectEventsAsync(probe, pid, 4, 4);
        probe.Cancel();
    }

    [Fact]
    public virtual async Task Live_events_of_a_persistence_id_not_yet_written_start_with_its_first_event()
    {
        var pid = NewPersistenceId("live-new");

        var probe = Run(LiveQueries.EventsByPersistenceId(pid, 0, long.MaxValue));
        probe.Request(5);
        await WriteAsync(pid, 1, 2);

        await ExpectEventsAsync(probe, pid, 1, 2);
        probe.Cancel();
    }

    [Fact]
    public virtual async Task Live_events_up_to_a_sequence_number_complete_once_that_event_is_written()
    {
        var pid = NewPersistenceId("live-to");
        await WriteAsync(pid, 1, 3);

        var probe = Run(LiveQueries.EventsByPersistenceId(pid, 0, 4));
        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 1, 3);
        await WriteAsync(pid, 4, 5);

        await ExpectEventsAsync(probe, pid, 4, 4);
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public virtual async Task Live_events_wait_for_demand_and_then_deliver_the_stored_and_the_new_in_order()
    {
        var pid = NewPersistenceId("live-demand");
        await WriteAsync(pid, 1, 3);

        var probe = Run(LiveQueries.EventsByPersistenceId(pid, 0, long.MaxValue));
        probe.Request(2);
        await ExpectEventsAsync(probe, pid, 1, 2);
        await WriteAsync(pid, 4, 4);

        probe.Request(5);
        await ExpectEventsAsync(probe, pid, 3, 4);
        probe.Cancel();
    }
}
