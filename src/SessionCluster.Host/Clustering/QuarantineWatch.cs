using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace SessionCluster.Host.Clustering;

/// <summary>
/// Makes a node that another member has quarantined leave at once. Quarantine is what a member does to a node it
/// removed (after a freeze, a long GC pause, a partition): that node's incarnation can never talk to the cluster again,
/// so it can only leave and start anew. Its split-brain resolver normally gets there by itself (it sees the others
/// unreachable and downs itself after <c>stable-after</c>), but a thawed node was once seen retrying its lost shard
/// leases for over a minute without leaving (FrozenNodeTests in CI); being told it is quarantined is a second, direct
/// way out: it downs itself, and Akka's run-coordinated-shutdown-when-down stops the node as any downed member.
/// </summary>
internal sealed class QuarantineWatch : ReceiveActor
{
    public QuarantineWatch()
    {
        var log = Context.GetLogger();
        Receive<ThisActorSystemQuarantinedEvent>(quarantined =>
        {
            var cluster = Cluster.Get(Context.System);
            if (cluster.SelfMember.Status is MemberStatus.Down or MemberStatus.Removed or MemberStatus.Exiting)
            {
                return; // leaving already
            }

            log.Warning("Member {0} has quarantined this node ({1}): it cannot rejoin as this incarnation, so it downs itself and stops",
                quarantined.RemoteAddress, quarantined.LocalAddress);
            cluster.Down(cluster.SelfAddress);
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new QuarantineWatch());

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(ThisActorSystemQuarantinedEvent));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
