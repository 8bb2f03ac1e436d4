using Akka.Actor;
using Google.Protobuf.WellKnownTypes;
using SessionCluster.Persistence.Leases;
using SessionCluster.Persistence.Tests.Plugin;
using SessionCluster.Persistence.Tests.Support;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Leases;

/// <summary>
/// The fence end to end: persistent actors on Akka.Persistence.Sql, each node writing under its own incarnation's
/// application_name, and PostgreSQL refusing the node that no longer holds the session's lease.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FencedPersistentActorTests(PostgresServer server, ITestOutputHelper output) : SystemsTest(output)
{
    private const string IncarnationA = "aaaa2001";
    private const string IncarnationB = "bbbb2001";
    private const string Lease = "sc-shard-session-7";

    [Fact]
    public async Task A_stale_holder_write_is_refused_by_postgres_and_its_actor_stops()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_stale_holder_write_is_refused_by_postgres_and_its_actor_stops));
        var nodeA = Systems.Start("node-a", FencedJournal.Config(db.ConnectionString, IncarnationA));
        await FencedJournal.StartAndAttachAsync(nodeA, db.ConnectionString);

        var leaseA = db.Lease(Lease, "127.0.0.1:4053", IncarnationA);
        Assert.True(await leaseA.Acquire());
        await new PostgresWriteFence(db.ConnectionString).RegisterAsync("X", Lease, CancellationToken.None);

        var writerA = nodeA.ActorOf(NotesActor.Props("session-X"), "writer-a");
        Assert.Equal(1, await writerA.Ask<int>(Note("a1"), Systems.Timeout));
        Assert.Equal(2, await writerA.Ask<int>(Note("a2"), Systems.Timeout));

        // Node A's lease lapses (a long pause, say) and node B, another incarnation, takes it.
        await db.ScalarAsync<int>("UPDATE sc_leases SET expires_at = now() WHERE name = @n", ("n", Lease));
        var leaseB = db.Lease(Lease, "127.0.0.1:4054", IncarnationB);
        Assert.True(await leaseB.Acquire());
        Assert.Equal(2L, leaseB.Epoch);

        // A still believes it may write: PostgreSQL refuses its row (no other row has that sequence number yet, so
        // only the fence can refuse it), the persist fails and the actor stops.
        var stopped = writerA.WatchAsync();
        writerA.Tell(Note("a-stale"));
        Assert.True(await stopped.WaitAsync(Systems.Timeout), "the stale writer did not stop");

        // B recovers A's two events and goes on from there; A's refused event is not in the journal.
        var nodeB = Systems.Start("node-b", FencedJournal.Config(db.ConnectionString, IncarnationB));
        var writerB = nodeB.ActorOf(NotesActor.Props("session-X"), "writer-b");
        Assert.Equal(3, await writerB.Ask<int>(Note("b3"), Systems.Timeout));
        Assert.Equal(4, await writerB.Ask<int>(Note("b4"), Systems.Timeout));
        var sequence = await db.ScalarAsync<long[]>("SELECT array_agg(sequence_number ORDER BY sequence_number) FROM journal WHERE persistence_id = 'session-X'");
        Assert.Equal([1L, 2L, 3L, 4L], Assert.IsType<long[]>(sequence));
        await leaseB.Release();
    }

    [Fact]
    public async Task A_persistence_id_outside_the_session_family_is_written_by_any_node()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_persistence_id_outside_the_session_family_is_written_by_any_node));
        var nodeA = Systems.Start("node-a", FencedJournal.Config(db.ConnectionString, IncarnationA));
        await FencedJournal.StartAndAttachAsync(nodeA, db.ConnectionString);

        var probe = nodeA.ActorOf(NotesActor.Props("health-probe"), "probe");
        Assert.Equal(1, await probe.Ask<int>(Note("ok"), Systems.Timeout));
    }

    private static StringValue Note(string value) => new() { Value = value };
}
