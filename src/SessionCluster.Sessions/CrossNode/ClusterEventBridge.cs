using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;

namespace SessionCluster.Sessions.CrossNode;

/// <summary>
/// The live events of every session in the cluster, whichever node hosts it: what the edge's event hub reads in a
/// cluster in place of the node's own <see cref="SessionEventFeed"/>. Filled by <see cref="ClusterEventBridge"/>.
/// </summary>
public sealed class ClusterEventFeed
{
    /// <summary>Every session's durable events as they come from their owners, each session's in its order.</summary>
    public SessionEventFeed Events { get; } = new();
}

/// <summary>
/// Carries live events across nodes (docs/CLUSTER.md "Live events across nodes"): each node publishes its own sessions'
/// events (its <see cref="SessionEventFeed"/>) to the distributed pub-sub topic <see cref="Topic"/>, and one actor per
/// node subscribed to the topic hands every event, its own node's included, to the node's <see cref="ClusterEventFeed"/>.
/// <para>
/// Why each session's order holds: a session is hosted by one node at a time, and its events are told to that node's
/// mediator one after another from the session's own thread; the mediator forwards them in mailbox order over the one
/// ordered association to each other node's topic actor, which forwards them in order to the one subscriber actor,
/// which hands them on in order. Akka keeps the order of messages between a pair of actors, and every hop here is one
/// pair. Across a handoff (the session moves to another node) or a dropped message (a node unreachable, an oversized
/// frame) events can arrive late, twice or not at all: consumers go by sequence number (an old one is dropped, a gap is
/// read from the journal), as they already do when they fall behind.
/// </para>
/// </summary>
public static class ClusterEventBridge
{
    /// <summary>The distributed pub-sub topic of the sessions' live events.</summary>
    public const string Topic = "session-events";

    /// <summary>The subscriber actor's name under <c>/user</c>.</summary>
    public const string SubscriberName = "session-events-subscriber";

    /// <summary>
    /// Starts the bridge on <paramref name="system"/> (a cluster node): <paramref name="local"/>'s events out to the
    /// topic, the topic's into <paramref name="cluster"/>. Stops publishing when the returned handle is disposed or the
    /// system terminates.
    /// </summary>
    public static IDisposable Start(ActorSystem system, SessionEventFeed local, ClusterEventFeed cluster)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(cluster);
        var mediator = DistributedPubSub.Get(system).Mediator;
        system.ActorOf(Props.Create(() => new Subscriber(mediator, cluster.Events)), SubscriberName);

        // Told from the session's thread: an enqueue to the mediator's mailbox, nothing that blocks.
        var publishing = local.Subscribe(e => mediator.Tell(new Publish(Topic, e)));
        system.RegisterOnTermination(publishing.Dispose);
        return publishing;
    }

    /// <summary>Starts the bridge when the node's ActorSystem starts (call it on every node that hosts sessions or serves the edge).</summary>
    public static AkkaConfigurationBuilder WithClusterEventBridge(this AkkaConfigurationBuilder builder, SessionEventFeed local, ClusterEventFeed cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddStartup((system, _) => Start(system, local, cluster));
    }

    /// <summary>The node's one subscriber to the topic: it hands each event on in the order it came.</summary>
    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(IActorRef mediator, SessionEventFeed cluster)
        {
            mediator.Tell(new Subscribe(Topic, Self));
            Receive<SubscribeAck>(_ => { });
            Receive<SessionEvent>(cluster.Publish);
        }
    }
}
