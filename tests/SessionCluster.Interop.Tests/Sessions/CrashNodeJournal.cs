using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Sessions;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>Reads a session's domain events from a crash node's SQLite file with an ActorSystem of the test's own (only while the node is not running).</summary>
internal static class CrashNodeJournal
{
    public static async Task<IReadOnlyList<SessionEvent>> EventsAsync(string sqliteFile, SessionId id)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.serialization-settings.sc-protobuf.assemblies = ["SessionCluster.Sessions"]
            """).WithFallback(SessionClusterPersistence.Sqlite(sqliteFile));
        var system = ActorSystem.Create("crash-journal-reader", config);
        try
        {
            var journal = PersistenceQuery.Get(system).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
            var stored = await journal.CurrentEventsByPersistenceId(id.PersistenceId, 0, long.MaxValue)
                .Select(e => e.Event)
                .RunWith(Sink.Seq<object>(), system.Materializer())
                .WaitAsync(TimeSpan.FromSeconds(30));
            return stored.OfType<SessionEventRecord>().Select(r => SessionEvent.FromRecord(id, r)).ToList();
        }
        finally
        {
            await system.Terminate();
        }
    }
}
