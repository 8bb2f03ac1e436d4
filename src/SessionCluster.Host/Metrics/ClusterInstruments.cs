using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace SessionCluster.Host.Metrics;

/// <summary>
/// The node's view of the cluster on the node's meter: members by status, unreachable members, and the shards of the
/// <c>session</c> region this node holds. Nothing is reported before the node has started (<see cref="Attach"/>);
/// the shard count is asked of the local region before each scrape (<see cref="RefreshAsync"/>), since a gauge's
/// callback must not wait.
/// </summary>
internal sealed class ClusterInstruments
{
    /// <summary>How long the local region has to say which shards it holds before a scrape goes on without the figure.</summary>
    public static readonly TimeSpan ShardStateTimeout = TimeSpan.FromSeconds(3);

    private static readonly MemberStatus[] Statuses = Enum.GetValues<MemberStatus>();

    private volatile Cluster? _cluster;
    private Func<CancellationToken, Task<IActorRef>>? _region;
    private volatile int _shards = -1;

    public ClusterInstruments(Meter meter)
    {
        meter.CreateObservableGauge("sessioncluster_cluster_members", Members, "members",
            "Members of the Akka cluster by status, as this node sees them.");
        meter.CreateObservableGauge("sessioncluster_cluster_unreachable_members", Unreachable, "members",
            "Members this node's failure detector finds unreachable now.");
        meter.CreateObservableGauge("sessioncluster_shards", Shards, "shards",
            "Shards of the session region this node holds (absent on an edge-only node and while the region does not answer).");
    }

    /// <summary>The node has started: its cluster, and its session region when it hosts sessions (null on an edge-only node).</summary>
    public void Attach(ActorSystem system, Func<CancellationToken, Task<IActorRef>>? region)
    {
        _region = region;
        _cluster = Cluster.Get(system);
    }

    /// <summary>Asks the local region which shards it holds; the figure stays unknown when it does not answer in <see cref="ShardStateTimeout"/>.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_region is not { } region)
        {
            return;
        }

        try
        {
            var shardRegion = await region(cancellationToken).ConfigureAwait(false);
            var state = await shardRegion.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, ShardStateTimeout, cancellationToken).ConfigureAwait(false);
            _shards = state.Shards.Count;
        }
        catch (AskTimeoutException)
        {
            _shards = -1;
        }
    }

    private IEnumerable<Measurement<int>> Members()
    {
        if (_cluster is not { } cluster)
        {
            return [];
        }

        var members = cluster.State.Members;
        return Statuses.Select(s => new Measurement<int>(members.Count(m => m.Status == s), new KeyValuePair<string, object?>("status", s.ToString().ToLowerInvariant()))).ToList();
    }

    private IEnumerable<Measurement<int>> Unreachable() =>
        _cluster is { } cluster ? [new Measurement<int>(cluster.State.Unreachable.Count)] : [];

    private IEnumerable<Measurement<int>> Shards() =>
        _shards is >= 0 and var shards ? [new Measurement<int>(shards)] : [];
}
