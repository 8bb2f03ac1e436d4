using SessionCluster.Actors;
using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.CrashWriter;
using SessionCluster.Storage.Postgres;
using SessionCluster.Storage.Sqlite;

// usage: CrashWriter sqlite <file> <counters> | CrashWriter postgres <connection string> <counters>
// Runs until killed. Every line on stdout is written after the journal confirmed that event durable.
if (args.Length != 3 || !int.TryParse(args[2], out var counters) || counters < 1)
{
    Console.Error.WriteLine("usage: CrashWriter (sqlite <file> | postgres <connection string>) <counters>");
    return 2;
}

IJournal journal = args[0] switch
{
    "sqlite" => await SqliteJournal.OpenAsync(new SqliteStorageOptions { Path = args[1] }),
    "postgres" => await PostgresJournal.OpenAsync(new PostgresStorageOptions { ConnectionString = args[1] }),
    _ => throw new ArgumentException($"Unknown engine '{args[0]}'."),
};

var stores = new PersistenceStores(journal, new InMemorySnapshotStore());
var output = Console.Out;
var gate = new object();
void Confirmed(string persistenceId, long count)
{
    lock (gate)
    {
        output.Write($"confirmed {persistenceId} {count}\n");
        output.Flush();
    }
}

await using var system = ActorSystem.Create("crash-writer");
for (var i = 0; i < counters; i++)
{
    var persistenceId = $"counter-{i}";
    var counter = system.Spawn(() => new CounterActor(persistenceId, stores, Confirmed), persistenceId);
    counter.Tell(PersistNext.Instance);
}

Console.Error.WriteLine("started");
await system.WhenTerminated;
return 0;
