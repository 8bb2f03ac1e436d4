using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Persistence;
using SessionCluster.Persistence.CrashWriter;

// usage: CrashWriter sqlite <file> <counters> | CrashWriter postgres <connection string> <counters>
// Runs until killed. Every line on stdout is written after the journal confirmed that event durable.
if (args.Length != 3 || !int.TryParse(args[2], out var counters) || counters < 1)
{
    Console.Error.WriteLine("usage: CrashWriter (sqlite <file> | postgres <connection string>) <counters>");
    return 2;
}

var persistence = args[0] switch
{
    "sqlite" => SessionClusterPersistence.Sqlite(args[1]),
    "postgres" => SessionClusterPersistence.Postgres(args[1]),
    _ => throw new ArgumentException($"Unknown engine '{args[0]}'."),
};
var config = ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.actor.serialization-settings.sc-protobuf.assemblies = ["Google.Protobuf"]
    """).WithFallback(persistence);

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

using var system = ActorSystem.Create("crash-writer", config);
for (var i = 0; i < counters; i++)
{
    var persistenceId = $"counter-{i}";
    system.ActorOf(CounterActor.Props(persistenceId, Confirmed), persistenceId).Tell(CounterActor.PersistNext.Instance);
}

Console.Error.WriteLine("started");
await system.WhenTerminated;
return 0;
