using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;

namespace SessionCluster.Sessions.Allocation;

/// <summary>
/// An operator's request that <see cref="ShardId"/> of the <c>session</c> region live on the member at
/// <see cref="ToAddress"/> (<c>akka.tcp://sessioncluster@host:port</c>). Published on
/// <see cref="ShardAllocationMoves.Topic"/> by the management API of whichever node was asked; the coordinator's
/// <see cref="SessionShardAllocation"/> (on the oldest node) acts on it.
/// </summary>
public sealed record ShardMove(string ShardId, string ToAddress);

/// <summary>
/// The DistributedPubSub topic the shard moves travel on, and the small actor by which a strategy instance
/// subscribes to it: the coordinator lives on the oldest node, which the node the operator asked need not be.
/// </summary>
public static class ShardAllocationMoves
{
    /// <summary>The DistributedPubSub topic of <see cref="ShardMove"/>s.</summary>
    public const string Topic = "sessioncluster.shard-moves";

    /// <summary>Publishes <paramref name="move"/> to every subscribed strategy in the cluster (this node's included).</summary>
    public static void Publish(ActorSystem system, ShardMove move) =>
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(Topic, move));

    /// <summary>Receives the topic's moves and hands them to one strategy instance.</summary>
    internal sealed class Subscriber : ReceiveActor
    {
        private readonly ILoggingAdapter _log = Context.GetLogger();

        public Subscriber(SessionShardAllocation strategy)
        {
            Receive<SubscribeAck>(_ => { });
            Receive<ShardMove>(move =>
            {
                _log.Info("Shard move requested: shard {0} to {1}", move.ShardId, move.ToAddress);
                strategy.Request(move);
            });
        }

        public static Props Props(SessionShardAllocation strategy) => Akka.Actor.Props.Create(() => new Subscriber(strategy));

        protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self));
    }
}
