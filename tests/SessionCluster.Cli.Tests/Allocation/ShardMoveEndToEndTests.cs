using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using SessionCluster.Sessions.Allocation;

namespace SessionCluster.Cli.Tests.Allocation;

/// <summary>
/// A shard really moves: two members each start a region through <c>ClusterSharding.Start</c> with a
/// <see cref="SessionShardAllocation"/> (the overload the node's composition uses for it), a move of an entity's shard is
/// published from the member that is not the coordinator's, and the entity then answers from the member asked for.
/// </summary>
public sealed class ShardMoveEndToEndTests
{
    private const string TypeName = "moves";

    [Fact]
    public async Task A_published_move_hands_the_shard_off_and_its_entity_restarts_on_the_member_asked_for()
    {
        var first = Start();
        var second = Start();
        try
        {
            var seed = Akka.Cluster.Cluster.Get(first).SelfAddress;
            Akka.Cluster.Cluster.Get(first).Join(seed);
            Akka.Cluster.Cluster.Get(second).Join(seed);
            await ScctlNode.WaitUntilAsync(
                () => Task.FromResult(Akka.Cluster.Cluster.Get(first).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2), "two members Up");

            var regionOnFirst = StartRegion(first);
            StartRegion(second);
            var extractor = new Extractor();
            var shard = extractor.ShardId("e1", new Where("e1"))!;
            var before = await regionOnFirst.Ask<Address>(new Where("e1"), ScctlNode.Deadline);
            var target = before.Equals(Akka.Cluster.Cluster.Get(first).SelfAddress) ? Akka.Cluster.Cluster.Get(second).SelfAddress : Akka.Cluster.Cluster.Get(first).SelfAddress;

            await ScctlNode.WaitUntilAsync(async () =>
            {
                // Published from the second member, whose strategy is not the coordinator's; repeated until the
                // coordinator's subscription has spread (a pin asked twice is the same pin).
                ShardAllocationMoves.Publish(second, new ShardMove(shard, target.ToString()));
                return (await regionOnFirst.Ask<Address>(new Where("e1"), ScctlNode.Deadline)).Equals(target);
            }, $"entity e1 answers from {target}");
        }
        finally
        {
            await Task.WhenAll(second.Terminate(), first.Terminate());
        }
    }

    private static ActorSystem Start() => ActorSystem.Create("sessioncluster", ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.sharding.rebalance-interval = 500ms
        """));

    private static IActorRef StartRegion(ActorSystem system)
    {
        var sharding = ClusterSharding.Get(system);
        return sharding.Start(TypeName, Props.Create(() => new WhereEntity()), ClusterShardingSettings.Create(system), new Extractor(),
            SessionShardAllocation.Create(), PoisonPill.Instance);
    }

    private sealed record Where(string EntityId);

    private sealed class Extractor() : HashCodeMessageExtractor(10)
    {
        public override string? EntityId(object message) => (message as Where)?.EntityId;
    }

    /// <summary>Answers with the address of the member it runs on.</summary>
    private sealed class WhereEntity : ReceiveActor
    {
        public WhereEntity() => Receive<Where>(_ => Sender.Tell(Akka.Cluster.Cluster.Get(Context.System).SelfAddress));
    }
}
