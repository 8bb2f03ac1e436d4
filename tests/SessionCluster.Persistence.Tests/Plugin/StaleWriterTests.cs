using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Google.Protobuf.WellKnownTypes;
using SessionCluster.Persistence.CrashWriter;
using SessionCluster.Persistence.Tests.Support;
using SessionCluster.TestSupport;
using Xunit.Abstractions;
using static SessionCluster.Persistence.CrashWriter.CounterActor;

namespace SessionCluster.Persistence.Tests.Plugin;

/// <summary>
/// One writer per persistence id, in Akka terms: a second incarnation of the same persistence id in another
/// ActorSystem (another node) fences out the first at its first write; the first one's next write fails, its actor
/// stops, and the journal holds exactly what the writers were told was stored. On SQLite our journal refuses the stale
/// writer by its token; on PostgreSQL (Akka.Persistence.Sql) the refusal comes from the unique sequence number.
/// </summary>
public abstract class StaleWriterTests(ITestOutputHelper output) : SystemsTest(output)
{
    protected abstract Task<PluginStore> CreateStoreAsync();

    [Fact]
    public async Task A_second_incarnation_in_another_ActorSystem_fences_out_the_first_and_the_first_stops_at_its_next_write()
    {
        var store = await CreateStoreAsync();
        var nodeA = Systems.Start("node-a", store.Config());
        var nodeB = Systems.Start("node-b", store.Config());

        var first = nodeA.ActorOf(Props("shared"), "first");
        Assert.Equal(1, (await first.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);
        Assert.Equal(2, (await first.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);

        var second = nodeB.ActorOf(Props("shared"), "second");
        Assert.Equal(3, (await second.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);

        // The first incarnation still believes it is at 2: its write of 3 is refused and it stops.
        var firstStopped = first.WatchAsync();
        first.Tell(new PersistOnce());
        Assert.True(await firstStopped.WaitAsync(Systems.Timeout), "the fenced-out incarnation did not stop");

        Assert.Equal(4, (await second.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);

        // The journal holds 1..4 exactly: two from each writer, nothing from the refused write.
        var events = await CurrentEventsAsync(nodeB, store, "shared");
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => ((Int64Value)e.Event).Value));
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task A_displaced_writer_stays_fenced_out_even_after_the_new_writer_stops()
    {
        var store = await CreateStoreAsync();
        var nodeA = Systems.Start("node-a", store.Config());
        var nodeB = Systems.Start("node-b", store.Config());

        var first = nodeA.ActorOf(Props("shared"), "first");
        Assert.Equal(1, (await first.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);
        var second = nodeB.ActorOf(Props("shared"), "second");
        Assert.Equal(2, (await second.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);
        await second.GracefulStop(Systems.Timeout);

        var firstStopped = first.WatchAsync();
        first.Tell(new PersistOnce());
        Assert.True(await firstStopped.WaitAsync(Systems.Timeout), "the displaced incarnation wrote again");

        // A third incarnation recovers both events and goes on.
        var third = nodeA.ActorOf(Props("shared"), "third");
        Assert.Equal(3, (await third.Ask<CounterState>(new PersistOnce(), Systems.Timeout)).Count);
    }

    private static async Task<IReadOnlyList<EventEnvelope>> CurrentEventsAsync(ActorSystem system, PluginStore store, string persistenceId)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<ICurrentEventsByPersistenceIdQuery>(store.ReadJournalId);
        return await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer())
            .WaitAsync(Systems.Timeout);
    }
}

public sealed class SqliteStaleWriterTests(ITestOutputHelper output) : StaleWriterTests(output)
{
    protected override Task<PluginStore> CreateStoreAsync() => Task.FromResult(PluginStore.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStaleWriterTests(PostgresServer server, ITestOutputHelper output) : StaleWriterTests(output)
{
    protected override Task<PluginStore> CreateStoreAsync() => PluginStore.PostgresAsync(server, "stale_writer");
}
