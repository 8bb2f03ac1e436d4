using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Simulator;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// A SessionCluster node as the interop tests need it: an ActorSystem on a SQLite journal in a temporary folder, the
/// session actors' dependencies pointed at a simulator, and the session's domain events read back from the journal.
/// </summary>
internal sealed class SessionClusterNode : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _folder;
    private readonly SecretKey _key = SecretKey.Generate(RandomNumberGenerator.Create());

    private SessionClusterNode(ActorSystem system, ILoggerFactory loggers, string folder)
    {
        _folder = folder;
        System = system;
        Loggers = loggers;
    }

    /// <summary>The node's ActorSystem (a new one after <see cref="RestartAsync"/>).</summary>
    public ActorSystem System { get; private set; }

    public ILoggerFactory Loggers { get; }

    public static SessionClusterNode Start(ILoggerFactory loggers)
    {
        var folder = Directory.CreateTempSubdirectory("sc-interop-node-").FullName;
        return new SessionClusterNode(CreateSystem(folder), loggers, folder);
    }

    /// <summary>Terminates the ActorSystem and starts another on the same journal and key, as a restart of the node would.</summary>
    public async Task RestartAsync()
    {
        await System.Terminate().WaitAsync(Timeout);
        System = CreateSystem(_folder);
    }

    /// <summary>The session actors' dependencies against <paramref name="host"/>; <paramref name="messaging"/> defaults to the session's own.</summary>
    public SessionActorDependencies Dependencies(SimulatorHost host, MessagingSettings? messaging = null) =>
        new(new SecretBox(_key, RandomNumberGenerator.Create()), RandomNumberGenerator.Create(), TimeProvider.System, Loggers)
        {
            Server = new SessionServerSettings(new Uri(host.WebSocketUrl)) { RootPublicKey = host.RootPublicKey.ToArray(), ConnectTimeout = TimeSpan.FromSeconds(10) },
            Messaging = messaging ?? new MessagingSettings(),
        };

    public IActorRef StartSession(SessionId id, SimulatorHost host, MessagingSettings? messaging = null) =>
        System.ActorOf(SessionActor.Props(id, Dependencies(host, messaging)));

    public async Task<IReadOnlyList<SessionEvent>> EventsAsync(SessionId id)
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
        var stored = await journal.CurrentEventsByPersistenceId(id.PersistenceId, 0, long.MaxValue)
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), System.Materializer())
            .WaitAsync(Timeout);
        return stored.OfType<SessionEventRecord>().Select(r => SessionEvent.FromRecord(id, r)).ToList();
    }

    /// <summary>The session's domain events once <paramref name="done"/> holds for them.</summary>
    public async Task<IReadOnlyList<SessionEvent>> WaitForAsync(SessionId id, Func<IReadOnlyList<SessionEvent>, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var events = await EventsAsync(id);
            if (done(events))
            {
                return events;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Waited for {what}; the log has {events.Count} events, the last: {string.Join(", ", events.TakeLast(5).Select(e => e.Body))}.");
            }

            await Task.Delay(200);
        }
    }

    private static ActorSystem CreateSystem(string folder)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.serialization-settings.sc-protobuf.assemblies = ["SessionCluster.Sessions"]
            """).WithFallback(SessionClusterPersistence.Sqlite(Path.Combine(folder, "sessioncluster.db")));
        return ActorSystem.Create("interop-node", config);
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A journal file still closing: the temp folder is left, nothing depends on it.
        }
    }
}
