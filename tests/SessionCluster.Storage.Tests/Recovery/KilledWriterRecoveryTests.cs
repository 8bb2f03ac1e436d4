using SessionCluster.TestSupport;
using SessionCluster.Actors;
using SessionCluster.Actors.Persistence;
using SessionCluster.Actors.TestKit;
using SessionCluster.Storage.CrashWriter;
using SessionCluster.Storage.Postgres;
using SessionCluster.Storage.Sqlite;
using SessionCluster.Storage.Tests.Postgres;
using Xunit.Abstractions;

namespace SessionCluster.Storage.Tests.Recovery;

/// <summary>
/// The promise behind "nothing is lost": a process killed between persists (SIGKILL, mid-write) loses no
/// event it confirmed, and recovery restores exactly what the journal committed — every confirmed event, at
/// most the one write per actor that was in flight at the kill, nothing repeated or out of order — on both
/// durable journals. Also: a second writer on the same persistence id is rejected.
/// </summary>
public abstract class KilledWriterRecoveryTests(ITestOutputHelper output) : ActorTestKit
{
    private const int Counters = 16;
    private const int KillAfter = 3_000;

    protected abstract string Engine { get; }

    protected abstract Task<string> CreateStoreAsync();

    protected abstract Task<IJournal> OpenJournalAsync(string store);

    [Fact]
    public async Task After_the_process_is_killed_between_persists_recovery_restores_exactly_the_confirmed_events()
    {
        var store = await CreateStoreAsync();
        var (confirmed, lines) = await CrashWriterProcess.RunAndKillAsync(Engine, store, Counters, KillAfter);
        Assert.True(lines >= KillAfter, $"only {lines} events were confirmed before the process ended");

        await using var journal = await OpenJournalAsync(store);
        var stores = new PersistenceStores(journal, new InMemorySnapshotStore());
        var probe = CreateProbe<CounterState>();
        var inFlight = 0;
        for (var i = 0; i < Counters; i++)
        {
            var persistenceId = $"counter-{i}";
            var acknowledged = confirmed.GetValueOrDefault(persistenceId);

            // Recovery replays through Apply, which throws unless event n holds n: no loss, repeat or reorder.
            var counter = System.Spawn(() => new CounterActor(persistenceId, stores));
            counter.Tell(new GetCount(probe.Ref));
            var recovered = probe.ExpectMsg(TimeSpan.FromSeconds(30)).Count;
            Assert.InRange(recovered, acknowledged, acknowledged + 1);
            Assert.Equal(recovered, await journal.ReadHighestSequenceNrAsync(persistenceId));
            inFlight += (int)(recovered - acknowledged);
            await System.StopAsync(counter);
        }

        output.WriteLine($"{Engine}: {lines} events confirmed before SIGKILL; {inFlight} of {Counters} in-flight writes had committed without their confirmation line.");
    }

    [Fact]
    public async Task A_second_writer_on_the_same_persistence_id_is_rejected()
    {
        var store = await CreateStoreAsync();
        await using var journal = await OpenJournalAsync(store);
        var stores = new PersistenceStores(journal, new InMemorySnapshotStore());
        var replies = CreateProbe<CounterState>();

        var first = System.Spawn(() => new CounterActor("shared", stores), "first");
        first.Tell(new PersistOnce(replies.Ref));
        replies.ExpectMsg(new CounterState(1));

        var second = System.Spawn(() => new CounterActor("shared", stores), "second");
        second.Tell(new PersistOnce(replies.Ref));
        replies.ExpectMsg(new CounterState(2));

        // The first incarnation still believes it is at 1; its write is refused and it stops.
        replies.Watch(first);
        first.Tell(new PersistOnce(replies.Ref));
        replies.ExpectTerminated(first);
        replies.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        second.Tell(new PersistOnce(replies.Ref));
        replies.ExpectMsg(new CounterState(3));
        Assert.Equal(3, await journal.ReadHighestSequenceNrAsync("shared"));
    }
}

public sealed class SqliteKilledWriterRecoveryTests(ITestOutputHelper output) : KilledWriterRecoveryTests(output), IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sc-crash-").FullName;

    protected override string Engine => "sqlite";

    protected override Task<string> CreateStoreAsync() => Task.FromResult(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"));

    protected override async Task<IJournal> OpenJournalAsync(string store) =>
        await SqliteJournal.OpenAsync(new SqliteStorageOptions { Path = store });

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKilledWriterRecoveryTests(PostgresServer server, ITestOutputHelper output) : KilledWriterRecoveryTests(output)
{
    protected override string Engine => "postgres";

    protected override Task<string> CreateStoreAsync() => server.CreateDatabaseAsync("killed_writer");

    protected override async Task<IJournal> OpenJournalAsync(string store) =>
        await PostgresJournal.OpenAsync(new PostgresStorageOptions { ConnectionString = store });
}
