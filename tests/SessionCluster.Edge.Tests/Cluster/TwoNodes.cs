using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;
using SessionCluster.Edge.Store;
using SessionCluster.Persistence;
using SessionCluster.Sessions;
using SessionCluster.Sessions.CrossNode;
using SessionCluster.Sessions.State;

namespace SessionCluster.Edge.Tests.Cluster;

/// <summary>
/// A real two-node cluster in this process over loopback remoting: node B (role <c>sessions</c>) hosts the
/// <c>session</c> region, node A (role <c>edge</c>) has only a region proxy; both run the live-event bridge and share
/// one journal file and one edge database file, as two nodes share one PostgreSQL. All stopped and removed at the end.
/// </summary>
internal sealed class TwoNodes : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("sc-crossnode-").FullName;
    private readonly List<IAsyncDisposable> _disposables = [];

    private readonly bool _sessionsOnBoth;

    private TwoNodes(bool sessionsOnBoth)
    {
        _sessionsOnBoth = sessionsOnBoth;
    }

    public ActorSystem A { get; private set; } = null!;

    public ActorSystem B { get; private set; } = null!;

    /// <summary>A's way to the sessions: a proxy, or its own region when both nodes host sessions. Every command the edge sends goes here.</summary>
    public IActorRef ProxyOnA { get; private set; } = null!;

    /// <summary>B's region (B always hosts sessions).</summary>
    public IActorRef RegionOnB { get; private set; } = null!;

    public SessionEventFeed LocalA { get; } = new();

    public SessionEventFeed LocalB { get; } = new();

    public ClusterEventFeed ClusterA { get; } = new();

    public ClusterEventFeed ClusterB { get; } = new();

    public SecretKey Key { get; } = SecretKey.Generate(RandomNumberGenerator.Create());

    public string JournalPath => Path.Combine(_folder, "journal.db");

    public string EdgePath => Path.Combine(_folder, "edge.db");

    /// <param name="sessionsOnBoth">Both nodes have the <c>sessions</c> role and a region (a session can move between them).</param>
    public static async Task<TwoNodes> StartAsync(bool sessionsOnBoth = false)
    {
        var nodes = new TwoNodes(sessionsOnBoth);
        await nodes.StartCoreAsync();
        return nodes;
    }

    /// <summary>The edge database as one node opens it (each node its own connection pool on the shared file).</summary>
    public EdgeDatabase OpenEdgeDatabase()
    {
        var database = EdgeDatabase.Sqlite(EdgePath);
        _disposables.Add(database);
        return database;
    }

    /// <summary>A hub over <paramref name="feed"/> (a node's cluster-wide feed), as the edge composes it.</summary>
    public EventHub Hub(ClusterEventFeed feed, EdgeDatabase database)
    {
        var hub = new EventHub(feed.Events, new SessionDirectory(database, TimeProvider.System), NullLogger<EventHub>.Instance);
        _disposables.Add(hub);
        return hub;
    }

    private async Task StartCoreAsync()
    {
        await EdgeMigrations.ApplyAsync(OpenEdgeDatabase(), CancellationToken.None);
        B = Node("sessions");
        A = Node(_sessionsOnBoth ? "sessions" : "edge");
        var seed = Akka.Cluster.Cluster.Get(B).SelfAddress;
        await Akka.Cluster.Cluster.Get(B).JoinAsync(seed).WaitAsync(Timeout);
        await Akka.Cluster.Cluster.Get(A).JoinAsync(seed).WaitAsync(Timeout);

        RegionOnB = StartRegion(B, LocalB);
        ProxyOnA = _sessionsOnBoth
            ? StartRegion(A, LocalA)
            : await ClusterSharding.Get(A).StartProxyAsync(SessionRegion.Name, "sessions", SessionRegion.MessageExtractor).WaitAsync(Timeout);

        ClusterEventBridge.Start(A, LocalA, ClusterA);
        ClusterEventBridge.Start(B, LocalB, ClusterB);
        await SubscribedAsync(A);
        await SubscribedAsync(B);
        await SubscriptionsSpreadAsync(subscriber: A, publisher: B);
        await SubscriptionsSpreadAsync(subscriber: B, publisher: A);
    }

    private IActorRef StartRegion(ActorSystem node, SessionEventFeed feed)
    {
        var dependencies = new SessionActorDependencies(new SecretBox(Key, RandomNumberGenerator.Create()), RandomNumberGenerator.Create(), TimeProvider.System, NullLoggerFactory.Instance)
        {
            Events = feed,
        };
        return ClusterSharding.Get(node).Start(SessionRegion.Name, SessionRegion.EntityProps(dependencies),
            ClusterShardingSettings.Create(node).WithRole("sessions").WithRememberEntities(true), SessionRegion.MessageExtractor);
    }

    /// <summary>Waits until the node's bridge has subscribed to the topic (its mediator counts local subscribers only).</summary>
    private static async Task SubscribedAsync(ActorSystem node)
    {
        var mediator = DistributedPubSub.Get(node).Mediator;
        var until = DateTime.UtcNow + Timeout;
        while (await mediator.Ask<int>(new Akka.Cluster.Tools.PublishSubscribe.Internal.CountSubscribers(ClusterEventBridge.Topic), Timeout) < 1)
        {
            Assert.True(DateTime.UtcNow < until, $"{node.Name}'s bridge never subscribed to {ClusterEventBridge.Topic}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until <paramref name="publisher"/> knows <paramref name="subscriber"/>'s subscriptions (pub-sub spreads a
    /// node's subscriptions by gossip, all of them together): a probe topic subscribed after the bridge's is reached.
    /// </summary>
    private static async Task SubscriptionsSpreadAsync(ActorSystem subscriber, ActorSystem publisher)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = subscriber.ActorOf(Props.Create(() => new Probe(reached)));
        var topic = $"bridge-probe-{subscriber.GetHashCode()}";
        await DistributedPubSub.Get(subscriber).Mediator.Ask<SubscribeAck>(new Subscribe(topic, probe), Timeout);
        var until = DateTime.UtcNow + Timeout;
        while (!reached.Task.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < until, "the nodes' pub-sub subscriptions never spread");
            DistributedPubSub.Get(publisher).Mediator.Tell(new Publish(topic, "probe"));
            await Task.WhenAny(reached.Task, Task.Delay(200));
        }
    }

    private sealed class Probe : ReceiveActor
    {
        public Probe(TaskCompletionSource reached) => Receive<string>(_ => reached.TrySetResult());
    }

    private ActorSystem Node(string role)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.roles = [{{role}}]
            akka.cluster.pub-sub.gossip-interval = 200ms
            akka.actor.serialization-settings.sc-protobuf.assemblies = ["SessionCluster.Sessions"]
            akka.cluster.sharding.remember-entities-store = eventsourced
            """)
            .WithFallback(CrossNodeSerialization.Hocon)
            .WithFallback(SessionClusterPersistence.Sqlite(JournalPath));
        return ActorSystem.Create("sessioncluster", config);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        await Task.WhenAll(A?.Terminate() ?? Task.CompletedTask, B?.Terminate() ?? Task.CompletedTask);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing writer: the temp folder is left, nothing depends on it.
        }
    }
}
