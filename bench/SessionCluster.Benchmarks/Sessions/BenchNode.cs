using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>One stored domain event and when the journal took it (the row's timestamp, UTC ticks).</summary>
internal sealed record StoredEvent(SessionEvent Event, long WrittenTicks);

/// <summary>Where the sessions connect: the simulator process's chat URL, Noise root and TLS certificate to pin (none over plain ws).</summary>
internal sealed record SimulatorEndpoint(Uri WebSocket, string AdminUrl, byte[] RootPublicKey, X509Certificate2? Certificate);

/// <summary>
/// The node under test: one ActorSystem on our SQLite journal in a temporary folder, hosting the session actors, as
/// the interop tests' SessionClusterNode does. <see cref="Restart"/> gives a new ActorSystem on the same journal and key.
/// </summary>
internal sealed class BenchNode : IAsyncDisposable
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    private readonly string _folder;
    private readonly SecretKey _key;
    private readonly SimulatorEndpoint _simulator;
    private readonly ILoggerFactory _loggers;
    private readonly SessionClusterReadJournal _journal;
    private readonly ConnectionStartLimiter _starts;
    private readonly MessagingSettings _messaging;

    private BenchNode(string folder, SecretKey key, SimulatorEndpoint simulator, ILoggerFactory loggers, ConnectionStartLimiter starts, MessagingSettings? messaging = null)
    {
        _messaging = messaging ?? new MessagingSettings();
        _folder = folder;
        _key = key;
        _simulator = simulator;
        _loggers = loggers;
        _starts = starts;
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.serialization-settings.sc-protobuf.assemblies = ["SessionCluster.Sessions"]
            """).WithFallback(SessionClusterPersistence.Sqlite(Path.Combine(folder, "sessioncluster.db")));
        System = ActorSystem.Create("bench-node", config);
        _journal = PersistenceQuery.Get(System).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
    }

    public ActorSystem System { get; }

    public string DatabasePath => Path.Combine(_folder, "sessioncluster.db");

    /// <param name="messaging">The sessions' ratchet settings; default the node's (the media benchmark raises the live-ratchet cap to test it).</param>
    public static BenchNode Start(SimulatorEndpoint simulator, ILoggerFactory loggers, MessagingSettings? messaging = null) =>
        new(Directory.CreateTempSubdirectory("sc-bench-sessions-").FullName, SecretKey.Generate(RandomNumberGenerator.Create()), simulator, loggers, ConnectionStartLimiter.Unlimited, messaging);

    /// <summary>
    /// Stops this ActorSystem and starts another on the same journal and secrets key (a node restart), its sessions'
    /// own connection starts capped by <paramref name="starts"/> (the node's reconnect-rate cap).
    /// </summary>
    public async Task<BenchNode> RestartAsync(ConnectionStartLimiter starts)
    {
        await System.Terminate();
        return new BenchNode(_folder, _key, _simulator, _loggers, starts, _messaging);
    }

    /// <summary>The dependencies every session of this node shares (one per call: call once and share it).</summary>
    public SessionActorDependencies Dependencies() =>
        new(new SecretBox(_key, RandomNumberGenerator.Create()), RandomNumberGenerator.Create(), TimeProvider.System, _loggers)
        {
            Server = new SessionServerSettings(_simulator.WebSocket)
            {
                RootPublicKey = _simulator.RootPublicKey,
                PinnedCertificate = _simulator.Certificate,
                ConnectTimeout = TimeSpan.FromSeconds(30),
            },
            ConnectionStarts = _starts,
            Messaging = _messaging,
        };

    public IActorRef StartSession(SessionId id, SessionActorDependencies dependencies) => System.ActorOf(SessionActor.Props(id, dependencies), id.Value);

    public async Task<IReadOnlyList<StoredEvent>> EventsAsync(SessionId id, long from = 0)
    {
        var stored = await _journal.CurrentEventsByPersistenceId(id.PersistenceId, from, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer())
            .WaitAsync(AskTimeout);
        return stored.Where(e => e.Event is SessionEventRecord)
            .Select(e => new StoredEvent(SessionEvent.FromRecord(id, (SessionEventRecord)e.Event), e.Timestamp))
            .ToList();
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
