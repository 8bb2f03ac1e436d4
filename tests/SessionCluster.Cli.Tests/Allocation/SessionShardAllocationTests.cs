using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using SessionCluster.Sessions.Allocation;

namespace SessionCluster.Cli.Tests.Allocation;

/// <summary>
/// <see cref="SessionShardAllocation"/>'s decisions as a pure unit: region maps in, shards to hand off and regions to
/// allocate to out, around a least-shard strategy that answers what each test sets.
/// </summary>
public sealed class SessionShardAllocationTests
{
    private static readonly FakeRegion A = new("10.0.0.1:4053");
    private static readonly FakeRegion B = new("10.0.0.2:4053");
    private static readonly FakeRegion C = new("10.0.0.3:4053");

    private static IImmutableDictionary<IActorRef, IImmutableList<string>> Regions(params (FakeRegion Region, string[] Shards)[] regions) =>
        regions.ToImmutableDictionary(r => (IActorRef)r.Region, r => (IImmutableList<string>)r.Shards.ToImmutableList());

    private static readonly IImmutableSet<string> NoneInProgress = ImmutableHashSet<string>.Empty;

    [Fact]
    public async Task A_requested_move_hands_the_shard_off_then_allocates_it_to_its_member()
    {
        var inner = new ScriptedLeastShard(allocateTo: A);
        var strategy = new SessionShardAllocation(inner, settleAfter: TimeSpan.Zero);
        strategy.Request(new ShardMove("7", B.Address.ToString()));

        var handOff = await strategy.Rebalance(Regions((A, ["7", "8"]), (B, ["9"])), NoneInProgress);
        Assert.Equal(["7"], handOff);

        var home = await strategy.AllocateShard(A, "7", Regions((A, ["8"]), (B, ["9"])));
        Assert.Same(B, home);
        Assert.Equal(0, inner.Allocations);
    }

    [Fact]
    public async Task A_shard_without_a_move_is_allocated_and_balanced_by_least_shard()
    {
        var inner = new ScriptedLeastShard(allocateTo: C, rebalance: ["8"]);
        var strategy = new SessionShardAllocation(inner, settleAfter: TimeSpan.Zero);

        Assert.Same(C, await strategy.AllocateShard(A, "5", Regions((A, []), (C, []))));
        Assert.Equal(["8"], await strategy.Rebalance(Regions((A, ["7", "8"]), (C, [])), NoneInProgress));
    }

    [Fact]
    public async Task Balancing_waits_until_the_regions_have_held_still_for_the_settle_time_but_a_move_does_not()
    {
        var clock = new ManualClock();
        var inner = new ScriptedLeastShard(allocateTo: A, rebalance: ["8"]);
        var strategy = new SessionShardAllocation(inner, settleAfter: TimeSpan.FromSeconds(30), clock: clock);
        var three = Regions((A, ["7", "8"]), (B, ["9"]), (C, []));

        // A region joined (C): nothing is balanced until the set of regions has held still for 30 s.
        Assert.Empty(await strategy.Rebalance(three, NoneInProgress));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await strategy.Rebalance(three, NoneInProgress));

        // An operator's move is not held back.
        strategy.Request(new ShardMove("9", A.Address.ToString()));
        Assert.Equal(["9"], await strategy.Rebalance(three, NoneInProgress));

        // Another change (B left, as in the next step of a rolling deploy) starts the wait again.
        var two = Regions((A, ["7", "8", "9"]), (C, []));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await strategy.Rebalance(two, NoneInProgress));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["8"], await strategy.Rebalance(two, NoneInProgress));
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public async Task A_pinned_shard_is_not_taken_back_by_balancing()
    {
        var inner = new ScriptedLeastShard(allocateTo: A, rebalance: ["7", "9"]);
        var strategy = new SessionShardAllocation(inner, settleAfter: TimeSpan.Zero);
        strategy.Request(new ShardMove("7", B.Address.ToString()));

        // 7 is on B where it was asked to be; least-shard would move it and 9 off the fuller B: only 9 goes.
        var handOff = await strategy.Rebalance(Regions((A, []), (B, ["7", "9"])), NoneInProgress);
        Assert.Equal(["9"], handOff);
    }

    [Fact]
    public async Task A_move_to_a_member_without_a_region_waits_until_it_has_one()
    {
        var inner = new ScriptedLeastShard(allocateTo: A);
        var strategy = new SessionShardAllocation(inner, settleAfter: TimeSpan.Zero);
        strategy.Request(new ShardMove("7", C.Address.ToString()));

        Assert.Empty(await strategy.Rebalance(Regions((A, ["7"]), (B, [])), NoneInProgress));
        Assert.Same(A, await strategy.AllocateShard(A, "7", Regions((A, []), (B, []))));

        Assert.Equal(["7"], await strategy.Rebalance(Regions((A, ["7"]), (B, []), (C, [])), NoneInProgress));
    }

    [Fact]
    public async Task A_move_already_in_progress_or_already_done_hands_nothing_off()
    {
        var strategy = new SessionShardAllocation(new ScriptedLeastShard(allocateTo: A));
        strategy.Request(new ShardMove("7", B.Address.ToString()));

        Assert.Empty(await strategy.Rebalance(Regions((A, ["7"]), (B, [])), ImmutableHashSet.Create("7")));
        Assert.Empty(await strategy.Rebalance(Regions((A, []), (B, ["7"])), NoneInProgress));
    }

    [Fact]
    public async Task A_later_move_of_the_same_shard_replaces_the_earlier_one()
    {
        var strategy = new SessionShardAllocation(new ScriptedLeastShard(allocateTo: A));
        strategy.Request(new ShardMove("7", B.Address.ToString()));
        strategy.Request(new ShardMove("7", C.Address.ToString()));

        Assert.Same(C, await strategy.AllocateShard(A, "7", Regions((A, []), (B, []), (C, []))));
        Assert.Equal(C.Address, Assert.Single(strategy.Pins).Value);
    }

    [Fact]
    public async Task The_coordinators_own_region_has_a_local_path_and_counts_as_this_node()
    {
        var self = Address.Parse("akka.tcp://sessioncluster@10.0.0.9:4053");
        var strategy = new SessionShardAllocation(new ScriptedLeastShard(allocateTo: A), self);
        strategy.Request(new ShardMove("7", self.ToString()));
        var local = new LocalRegion();

        Assert.Same(local, await strategy.AllocateShard(A, "7", new Dictionary<IActorRef, IImmutableList<string>>
        {
            [A] = ImmutableList<string>.Empty, [local] = ImmutableList<string>.Empty,
        }.ToImmutableDictionary()));
    }

    [Fact]
    public void A_move_to_something_that_is_no_address_is_refused()
    {
        var strategy = new SessionShardAllocation(new ScriptedLeastShard(allocateTo: A));
        Assert.ThrowsAny<Exception>(() => strategy.Request(new ShardMove("7", "not an address")));
        Assert.Empty(strategy.Pins);
    }

    /// <summary>The least-shard strategy's answers, set by the test.</summary>
    private sealed class ScriptedLeastShard(IActorRef allocateTo, string[]? rebalance = null) : IShardAllocationStrategy
    {
        public int Allocations { get; private set; }

        public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
        {
            Allocations++;
            return Task.FromResult(allocateTo);
        }

        public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
            Task.FromResult<IImmutableSet<string>>((rebalance ?? []).ToImmutableHashSet());
    }

    /// <summary>A region on the coordinator's own node: its path has no host.</summary>
    private sealed class LocalRegion : IActorRef
    {
        public ActorPath Path { get; } = new RootActorPath(new Address("akka", "sessioncluster")) / "system" / "sharding" / "session";

        public void Tell(object message, IActorRef sender) => throw new InvalidOperationException("The strategy never messages a region.");

        public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

        public int CompareTo(IActorRef? other) => other is null ? 1 : Path.CompareTo(other.Path);

        public int CompareTo(object? obj) => CompareTo(obj as IActorRef);

        public Akka.Util.ISurrogate ToSurrogate(ActorSystem system) => throw new InvalidOperationException("Not serialized in these tests.");

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => Path.GetHashCode();
    }
}
