using Akka.Actor;
using Akka.Cluster.Sharding;

namespace SessionCluster.Sessions;

/// <summary>
/// The <c>session</c> shard region: entity id = session id (every command is <see cref="IWithSessionId"/>), entities
/// are <see cref="SessionActor"/>s, and entities are remembered, because a session must be running to receive (its
/// connection lives in it), so a node that starts, or takes over a shard, starts every session it held.
/// </summary>
public static class SessionRegion
{
    /// <summary>The shard region's name (the type name Akka.Cluster.Sharding registers).</summary>
    public const string Name = "session";

    /// <summary>
    /// Default 100 shards: ten per node for a ten-node cluster, Akka's rule of thumb; it can never change while a
    /// cluster holds remembered entities, because it decides which shard a session lives in.
    /// </summary>
    public const int MaxShards = 100;

    /// <summary>Routes <see cref="IWithSessionId"/> messages by session id.</summary>
    public static IMessageExtractor MessageExtractor { get; } = new SessionMessageExtractor(MaxShards);

    /// <summary>The shard a session lives in (what its shard's lease is named after).</summary>
    public static string ShardIdOf(SessionId id) => MessageExtractor.ShardId(id.Value, null);

    /// <summary>The entity props for an entity id (a session id).</summary>
    public static Func<string, Props> EntityProps(SessionActorDependencies dependencies) =>
        entityId => SessionActor.Props(new SessionId(entityId), dependencies);

    /// <summary>Starts the region on <paramref name="system"/> with remembered entities (tests; the node uses Akka.Hosting).</summary>
    public static IActorRef Start(ActorSystem system, SessionActorDependencies dependencies)
    {
        // The extension first: it adds sharding's default settings that ClusterShardingSettings reads.
        var sharding = ClusterSharding.Get(system);
        var settings = ClusterShardingSettings.Create(system).WithRememberEntities(true);
        return sharding.Start(Name, EntityProps(dependencies), settings, MessageExtractor);
    }

    private sealed class SessionMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
    {
        public override string? EntityId(object message) => message is IWithSessionId command ? command.SessionId.Value : null;
    }
}
