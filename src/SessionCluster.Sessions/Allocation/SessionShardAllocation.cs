using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace SessionCluster.Sessions.Allocation;

/// <summary>
/// The <c>session</c> region's shard allocation: Akka's least-shard allocation (which prefers members of the newest
/// app version and does not rebalance while members of the region run mixed versions, nor while one is unreachable or
/// joining), plus operator moves. A requested <see cref="ShardMove"/> pins its shard to a member: the next
/// <see cref="Rebalance"/> hands the shard off when it lives elsewhere and the member has a region, the next
/// <see cref="AllocateShard"/> of it picks that member, and the least-shard rebalance never takes a pinned shard
/// back. Pins live in this instance on every sessions node (<see cref="Listen"/>), so a coordinator that moves to another
/// node finds them there; only a node that joined after a move, or a whole cluster restarted, has not seen it (the
/// shards stay where they are until a later rebalance). A pin whose member has no region is
/// waited on; a later move of the same shard replaces it.
///
/// Balancing also waits for the set of regions to hold still for <see cref="SettleAfter"/>: a rolling deploy is a
/// chain of joins and leaves, each of which allocates the leaving node's shards to the newest members, and balancing
/// between two steps would move a shard that the next step moves again. So during a deploy each shard moves once;
/// balancing (as limited by the least-shard settings) starts once membership has settled (docs/CLUSTER.md
/// "Rolling deploys"). Operator moves do not wait.
/// </summary>
/// <remarks>
/// Akka calls <see cref="AllocateShard"/> and <see cref="Rebalance"/> from the coordinator actor, and
/// <see cref="Request"/> comes from the topic's subscriber actor: the pins are one immutable map swapped atomically.
/// </remarks>
public sealed class SessionShardAllocation : IActorSystemDependentAllocationStrategy
{
    /// <summary>Akka's default <c>least-shard-allocation-strategy.rebalance-absolute-limit</c>: at most 10 shards handed off per rebalance round.</summary>
    public const int DefaultAbsoluteLimit = 10;

    /// <summary>Akka's default <c>rebalance-relative-limit</c>: at most 10 % of the shards per round (and at least one).</summary>
    public const double DefaultRelativeLimit = 0.1;

    /// <summary>Default 30 s: longer than the pause between two steps of a rolling deploy (a node starts, an old one stops).</summary>
    public static readonly TimeSpan DefaultSettleAfter = TimeSpan.FromSeconds(30);

    private readonly IShardAllocationStrategy _leastShard;
    private readonly TimeProvider _clock;
    private ImmutableDictionary<string, Address> _pins = ImmutableDictionary<string, Address>.Empty;
    private ImmutableHashSet<IActorRef> _regions = ImmutableHashSet<IActorRef>.Empty;
    private long _regionsChangedAt;
    private Address? _self;
    private int _subscribed;

    /// <summary>Wraps <paramref name="leastShard"/> (<see cref="Create"/> gives Akka's least-shard allocation).</summary>
    public SessionShardAllocation(IShardAllocationStrategy leastShard, Address? selfAddress = null, TimeSpan? settleAfter = null, TimeProvider? clock = null)
    {
        _leastShard = leastShard;
        _self = selfAddress;
        SettleAfter = settleAfter ?? DefaultSettleAfter;
        _clock = clock ?? TimeProvider.System;
        _regionsChangedAt = _clock.GetTimestamp();
    }

    /// <summary>How long the set of regions must hold still before balancing moves any shard.</summary>
    public TimeSpan SettleAfter { get; }

    /// <summary>The strategy over <c>ShardAllocationStrategy.LeastShardAllocationStrategy(absoluteLimit, relativeLimit)</c>.</summary>
    public static SessionShardAllocation Create(int absoluteLimit = DefaultAbsoluteLimit, double relativeLimit = DefaultRelativeLimit, TimeSpan? settleAfter = null) =>
        new(ShardAllocationStrategy.LeastShardAllocationStrategy(absoluteLimit, relativeLimit), settleAfter: settleAfter);

    /// <summary>The shards pinned by moves and the member each is pinned to.</summary>
    public IReadOnlyDictionary<string, Address> Pins => Volatile.Read(ref _pins);

    /// <summary>
    /// Called by the coordinator when it starts on this node: starts the least-shard strategy and subscribes this
    /// instance to <see cref="ShardAllocationMoves.Topic"/> (once, however often a coordinator restarts here).
    /// </summary>
    public void Start(ActorSystem system)
    {
        switch (_leastShard)
        {
            case IActorSystemDependentAllocationStrategy dependent:
                dependent.Start(system);
                break;
            case IStartableAllocationStrategy startable:
                startable.Start();
                break;
        }

        _self = Akka.Cluster.Cluster.Get(system).SelfAddress;
        Listen(system);
    }

    /// <summary>
    /// Subscribes this instance to <see cref="ShardAllocationMoves.Topic"/> (once). Every sessions node calls it when its
    /// region starts, not only the coordinator's: each node then keeps the moves requested while it runs, so when the
    /// coordinator moves (its node left or died) the next one, usually an older node, honours the same pins.
    /// </summary>
    public void Listen(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            system.ActorOf(ShardAllocationMoves.Subscriber.Props(this));
        }
    }

    /// <summary>Pins <see cref="ShardMove.ShardId"/> to <see cref="ShardMove.ToAddress"/>, replacing an earlier pin of it.</summary>
    /// <exception cref="FormatException">The address is not an Akka address.</exception>
    public void Request(ShardMove move)
    {
        ArgumentNullException.ThrowIfNull(move);
        var to = Address.Parse(move.ToAddress);
        ImmutableInterlocked.AddOrUpdate(ref _pins, move.ShardId, to, (_, _) => to);
    }

    /// <inheritdoc />
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        if (Pins.TryGetValue(shardId, out var to) && RegionAt(to, currentShardAllocations) is { } region)
        {
            return Task.FromResult(region);
        }

        return _leastShard.AllocateShard(requester, shardId, currentShardAllocations);
    }

    /// <inheritdoc />
    public async Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
    {
        var pins = Pins;
        var moves = ImmutableHashSet.CreateBuilder<string>();
        foreach (var (region, shards) in currentShardAllocations)
        {
            foreach (var shard in shards)
            {
                if (pins.TryGetValue(shard, out var to) && !rebalanceInProgress.Contains(shard)
                    && !AddressOf(region).Equals(to) && RegionAt(to, currentShardAllocations) is not null)
                {
                    moves.Add(shard);
                }
            }
        }

        var regions = currentShardAllocations.Keys.ToImmutableHashSet();
        if (!regions.SetEquals(_regions))
        {
            _regions = regions;
            _regionsChangedAt = _clock.GetTimestamp();
        }

        if (_clock.GetElapsedTime(_regionsChangedAt) < SettleAfter)
        {
            return moves.ToImmutable();
        }

        var balancing = await _leastShard.Rebalance(currentShardAllocations, rebalanceInProgress).ConfigureAwait(false);
        // A pinned shard is where the operator wants it: balancing moves only the others.
        moves.UnionWith(balancing.Where(shard => !pins.ContainsKey(shard)));
        return moves.ToImmutable();
    }

    public override string ToString() => $"SessionShardAllocation({_leastShard})";

    private IActorRef? RegionAt(Address address, IImmutableDictionary<IActorRef, IImmutableList<string>> allocations) =>
        allocations.Keys.FirstOrDefault(region => AddressOf(region).Equals(address));

    // The coordinator's own region has a local path (no host): it is this node's address.
    private Address AddressOf(IActorRef region) =>
        region.Path.Address.HasLocalScope && _self is not null ? _self : region.Path.Address;
}
