using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using SessionCluster.Sessions.Allocation;

namespace SessionCluster.Cli.Tests.Allocation;

/// <summary>
/// Pins what <see cref="SessionShardAllocation"/> relies on in Akka 1.5.75's
/// <c>ShardAllocationStrategy.LeastShardAllocationStrategy</c>, on real members with app versions: it allocates to the
/// newest version first and does not rebalance while the regions run mixed versions. And a move published on the
/// topic from another member reaches the strategy started on the oldest.
/// </summary>
public sealed class LeastShardVersionTests(VersionedCluster cluster) : IClassFixture<VersionedCluster>
{
    private IImmutableDictionary<IActorRef, IImmutableList<string>> Regions(params (IActorRef Region, string[] Shards)[] regions) =>
        regions.ToImmutableDictionary(r => r.Region, r => (IImmutableList<string>)r.Shards.ToImmutableList());

    private IShardAllocationStrategy Started(IShardAllocationStrategy strategy)
    {
        ((IActorSystemDependentAllocationStrategy)strategy).Start(cluster.Old);
        return strategy;
    }

    [Fact]
    public async Task Least_shard_allocates_to_a_member_of_the_newest_app_version_before_a_less_loaded_older_one()
    {
        var strategy = Started(ShardAllocationStrategy.LeastShardAllocationStrategy(SessionShardAllocation.DefaultAbsoluteLimit, SessionShardAllocation.DefaultRelativeLimit));
        var (old, newB, _) = cluster.Regions;

        var home = await strategy.AllocateShard(old, "1", Regions((old, []), (newB, ["2", "3", "4"])));

        Assert.Equal(newB, home);
    }

    [Fact]
    public async Task Least_shard_does_not_rebalance_while_the_regions_run_mixed_app_versions_and_does_once_they_agree()
    {
        var strategy = Started(ShardAllocationStrategy.LeastShardAllocationStrategy(SessionShardAllocation.DefaultAbsoluteLimit, SessionShardAllocation.DefaultRelativeLimit));
        var (old, newB, newC) = cluster.Regions;
        string[] ten = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

        Assert.Empty(await strategy.Rebalance(Regions((old, ten), (newB, [])), ImmutableHashSet<string>.Empty));
        Assert.NotEmpty(await strategy.Rebalance(Regions((newB, ten), (newC, [])), ImmutableHashSet<string>.Empty));
    }

    [Fact]
    public async Task A_move_published_on_another_member_reaches_the_strategy_and_is_handed_off_even_while_versions_are_mixed()
    {
        var strategy = SessionShardAllocation.Create();
        strategy.Start(cluster.Old);
        var (old, newB, _) = cluster.Regions;
        var to = Akka.Cluster.Cluster.Get(cluster.NewB).SelfAddress;

        // Subscriptions spread by gossip: a move published before the strategy's subscription reached C is not seen.
        await ScctlNode.WaitUntilAsync(() =>
        {
            ShardAllocationMoves.Publish(cluster.NewC, new ShardMove("42", to.ToString()));
            return Task.FromResult(strategy.Pins.TryGetValue("42", out var pinned) && pinned.Equals(to));
        }, "the move reaches the strategy");

        Assert.Equal(["42"], await strategy.Rebalance(Regions((old, ["42", "43"]), (newB, [])), ImmutableHashSet<string>.Empty));
        Assert.Equal(newB, await strategy.AllocateShard(old, "42", Regions((old, ["43"]), (newB, []))));
    }

    [Fact]
    public async Task A_member_that_is_not_the_coordinator_keeps_the_moves_too_so_a_coordinator_moving_there_honours_them()
    {
        // B's instance only listens (its node hosts a region, the coordinator runs elsewhere); a move published on C reaches it.
        var onB = SessionShardAllocation.Create();
        onB.Listen(cluster.NewB);
        var to = Akka.Cluster.Cluster.Get(cluster.NewB).SelfAddress;
        await ScctlNode.WaitUntilAsync(() =>
        {
            ShardAllocationMoves.Publish(cluster.NewC, new ShardMove("17", to.ToString()));
            return Task.FromResult(onB.Pins.TryGetValue("17", out var pinned) && pinned.Equals(to));
        }, "the move reaches a listening member");

        // The coordinator now starts on B (the old coordinator's node went away): the pin is honoured at once. The
        // regions as B sees them: its own has a local path, the old member's a remote one.
        onB.Start(cluster.NewB);
        var oldSeenFromB = await cluster.NewB.ActorSelection(new RootActorPath(Akka.Cluster.Cluster.Get(cluster.Old).SelfAddress) / "user" / "region").ResolveOne(ScctlNode.Deadline);
        var ownOnB = await cluster.NewB.ActorSelection("/user/region").ResolveOne(ScctlNode.Deadline);
        Assert.Equal(["17"], await onB.Rebalance(Regions((oldSeenFromB, ["17", "18"]), (ownOnB, [])), ImmutableHashSet<string>.Empty));
        Assert.Equal(ownOnB, await onB.AllocateShard(oldSeenFromB, "17", Regions((oldSeenFromB, ["18"]), (ownOnB, []))));
    }
}
