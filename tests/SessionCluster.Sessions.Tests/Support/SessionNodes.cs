using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using SessionCluster.Persistence;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State;
using Xunit.Abstractions;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// ActorSystems on one SQLite journal file in a temporary folder (as restarts of one node would be), each with its own
/// secrets key if a test wants that; all terminated, and the folder removed, at the end.
/// </summary>
internal sealed class SessionNodes(ITestOutputHelper output) : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Reconnect delays short enough that tests wait little (nothing asserts how quickly a session comes back).</summary>
    public static readonly ReconnectSettings QuickReconnect = new() { Base = TimeSpan.FromMilliseconds(200), Cap = TimeSpan.FromSeconds(1), StableAfter = TimeSpan.FromSeconds(60) };

    private readonly List<ActorSystem> _systems = [];
    private int _started;

    public string Folder { get; } = Directory.CreateTempSubdirectory("sc-sessions-").FullName;

    public string JournalPath => Path.Combine(Folder, "sessioncluster.db");

    public RecordingRandom Random { get; } = new();

    public ListLoggerFactory Logs { get; } = new();

    public SecretKey Key { get; } = SecretKey.Generate(RandomNumberGenerator.Create());

    /// <summary>An ActorSystem on the journal; <paramref name="cluster"/> makes it a one-node cluster that joins itself.</summary>
    public ActorSystem Start(bool cluster = false)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.serialization-settings.sc-protobuf.assemblies = ["SessionCluster.Sessions"]
            akka.cluster.sharding.remember-entities-store = eventsourced
            {{(cluster ? """
                akka.actor.provider = cluster
                akka.remote.dot-netty.tcp.hostname = 127.0.0.1
                akka.remote.dot-netty.tcp.port = 0
                akka.cluster.sharding.entity-restart-backoff = 200ms
                """ : string.Empty)}}
            """).WithFallback(SessionClusterPersistence.Sqlite(JournalPath));
        var system = ActorSystem.Create($"sessions-{++_started}", config);
        _systems.Add(system);
        output.WriteLine($"started {system.Name} on {JournalPath}");
        return system;
    }

    public SessionActorDependencies Dependencies(SecretKey? key = null) =>
        new(new SecretBox(key ?? Key, RandomNumberGenerator.Create()), Random, TimeProvider.System, Logs);

    /// <summary>Terminates <paramref name="system"/> now (its journal file is closed when this returns).</summary>
    public static async Task StopAsync(ActorSystem system) => await system.Terminate().WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate();
        }

        // The sessions' own log, shown by the runner only when a test fails: what the session saw is the first clue.
        foreach (var (id, level, message) in Logs.Entries.Where(e => e.Level >= LogLevel.Information).TakeLast(150))
        {
            output.WriteLine($"{level} {id.Id}: {message}");
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing writer: the temp folder is left, nothing depends on it.
        }
    }
}
