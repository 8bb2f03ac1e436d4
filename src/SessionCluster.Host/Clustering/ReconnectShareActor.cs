using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Host.Clustering;

/// <summary>
/// Keeps this node's connection-start limiter at its share of the cluster-wide reconnect cap
/// (<c>SC:Cluster:ReconnectsPerSecond</c>): the cap divided by the <c>sessions</c> members that are up, recomputed on
/// every membership change. When a node dies its sessions restart on the survivors, whose shares grow as the dead
/// node leaves the membership, so the cluster as a whole never opens more than the cap per second
/// (docs/CLUSTER.md "Reconnect cap"). The sum can exceed the cap only for the moments a member is up on one node's
/// view and not yet on another's (gossip converges within seconds).
/// </summary>
internal sealed class ReconnectShareActor : ReceiveActor
{
    private readonly ConnectionStartLimiter _limiter;
    private readonly double _clusterPerSecond;
    private readonly string _role;

    // The members as the events tell them (the cluster's own State can lag behind the event being handled).
    private readonly Dictionary<UniqueAddress, Member> _members = [];

    public ReconnectShareActor(ConnectionStartLimiter limiter, double clusterPerSecond, string role)
    {
        _limiter = limiter;
        _clusterPerSecond = clusterPerSecond;
        _role = role;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _members.Clear();
            foreach (var member in state.Members)
            {
                _members[member.UniqueAddress] = member;
            }

            Retune();
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            _members.Remove(removed.Member.UniqueAddress);
            Retune();
        });
        Receive<ClusterEvent.IMemberEvent>(changed =>
        {
            _members[changed.Member.UniqueAddress] = changed.Member;
            Retune();
        });
    }

    public static Props Props(ConnectionStartLimiter limiter, double clusterPerSecond, string role) =>
        Akka.Actor.Props.Create(() => new ReconnectShareActor(limiter, clusterPerSecond, role));

    /// <summary>The share of one node among <paramref name="sessionNodes"/> (at least one: this node).</summary>
    public static double ShareOf(double clusterPerSecond, int sessionNodes) => clusterPerSecond / Math.Max(1, sessionNodes);

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void Retune()
    {
        var up = _members.Values.Count(m => m.Status == MemberStatus.Up && m.HasRole(_role));
        var share = ShareOf(_clusterPerSecond, up);
        _limiter.Retune(share, Math.Max(1, (int)Math.Ceiling(share)));
    }
}
