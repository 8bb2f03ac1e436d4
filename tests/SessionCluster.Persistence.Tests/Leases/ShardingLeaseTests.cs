using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using SessionCluster.Persistence.Leases;
using SessionCluster.Persistence.Tests.Support;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Leases;

/// <summary>
/// Akka.Cluster.Sharding with <c>use-lease</c> on the PostgreSQL lease, in a one-node cluster: each shard holds its
/// lease before its entities start, and stops them when the lease is lost.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ShardingLeaseTests(PostgresServer server, ITestOutputHelper output) : SystemsTest(output)
{
    private const string Incarnation = "cccc4001";
    private const string SystemName = "lease-sharding";
    private const string TypeName = "echo";

    [Fact]
    public async Task A_shard_takes_its_lease_before_starting_entities_and_waits_while_another_node_holds_it()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_shard_takes_its_lease_before_starting_entities_and_waits_while_another_node_holds_it));

        // Another node holds shard 2's lease for a few seconds and then dies without releasing it.
        var other = new LeaseStore(db.ConnectionString, LeaseNames.ForShard(SystemName, TypeName, "2"), LeaseHolder.Of("10.9.9.9:4053", "dead4001"), TimeSpan.FromSeconds(3));
        Assert.Equal(1L, await other.AcquireAsync(CancellationToken.None));
        var otherExpires = await db.ScalarAsync<DateTime>("SELECT expires_at FROM sc_leases WHERE name = @n", ("n", LeaseNames.ForShard(SystemName, TypeName, "2")));

        var (system, region) = await StartNodeAsync(db);
        var owner = $"{Cluster.Get(system).SelfAddress.HostPort()}#{Incarnation}";

        var first = await region.Ask<Echo.Started>(new Echo.Envelope("e1", "1"), Systems.Timeout);
        Assert.Equal(owner, await db.OwnerAsync(LeaseNames.ForShard(SystemName, TypeName, "1")));
        Assert.Equal(1L, await db.EpochAsync(LeaseNames.ForShard(SystemName, TypeName, "1")));
        Assert.NotNull(first.Entity);

        // Shard 2's entity starts only once the dead node's lease has expired and this node took it (epoch 2).
        var second = await region.Ask<Echo.Started>(new Echo.Envelope("e2", "2"), Systems.Timeout);
        Assert.True(second.At >= otherExpires, $"the entity started at {second.At:O}, while the other node held the lease until {otherExpires:O}");
        Assert.Equal(owner, await db.OwnerAsync(LeaseNames.ForShard(SystemName, TypeName, "2")));
        Assert.Equal(2L, await db.EpochAsync(LeaseNames.ForShard(SystemName, TypeName, "2")));
    }

    [Fact]
    public async Task A_shard_whose_lease_is_lost_stops_its_entities()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_shard_whose_lease_is_lost_stops_its_entities));
        var (_, region) = await StartNodeAsync(db);
        var lease = LeaseNames.ForShard(SystemName, TypeName, "3");

        var started = await region.Ask<Echo.Started>(new Echo.Envelope("e3", "3"), Systems.Timeout);
        var stopped = started.Entity.WatchAsync();

        await db.ScalarAsync<int>("UPDATE sc_leases SET owner = '10.9.9.9:4053#thief', incarnation = 'thief', epoch = epoch + 1 WHERE name = @n", ("n", lease));

        Assert.True(await stopped.WaitAsync(Systems.Timeout), "the shard kept its entity after losing the lease");
        Assert.Equal("10.9.9.9:4053#thief", await db.OwnerAsync(lease));
    }

    private async Task<(ActorSystem System, IActorRef Region)> StartNodeAsync(LeaseDatabase db)
    {
        var config = ConfigurationFactory.ParseString($"""
            akka.loglevel = INFO
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp {"{"} hostname = 127.0.0.1, port = 0 {"}"}
            akka.cluster.sharding.use-lease = "{PostgresLeaseConfig.Path}"
            akka.cluster.sharding.lease-retry-interval = 300ms
            """).WithFallback(db.LeaseConfig(Incarnation));
        var system = Systems.Start(SystemName, config);
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        await cluster.JoinAsync(cluster.SelfAddress);
        await up.Task.WaitAsync(Systems.Timeout);
        var region = await ClusterSharding.Get(system).StartAsync(TypeName, Props.Create<Echo>(), ClusterShardingSettings.Create(system), new Echo.Extractor());
        return (system, region);
    }

    /// <summary>An entity that answers every message with itself and the time it started.</summary>
    private sealed class Echo : ReceiveActor
    {
        private readonly DateTime _startedAt = DateTime.UtcNow;

        public Echo() => ReceiveAny(_ => Sender.Tell(new Started(Self, _startedAt)));

        public sealed record Envelope(string EntityId, string ShardId);

        public sealed record Started(IActorRef Entity, DateTime At);

        public sealed class Extractor : IMessageExtractor
        {
            public string EntityId(object message) => ((Envelope)message).EntityId;

            public object EntityMessage(object message) => message;

            public string ShardId(object message) => ((Envelope)message).ShardId;

            public string ShardId(string entityId, object? messageHint = null) => messageHint is Envelope e ? e.ShardId : entityId;
        }
    }
}
