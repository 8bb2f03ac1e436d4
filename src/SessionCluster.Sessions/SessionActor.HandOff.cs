using Akka.Actor;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions;

/// <summary>
/// Leaving this node cleanly (docs/CLUSTER.md "Handoff"): when its shard moves (a rebalance, a drain, the node's
/// CoordinatedShutdown) sharding sends <see cref="HandOff"/> instead of a PoisonPill. It is an ordinary command, so
/// it waits behind a write in flight and behind every command stashed during one: the session stops only once what
/// it accepted is durable, and stopping closes its socket (the connection child's PostStop). Commands that arrive
/// for the shard meanwhile are buffered by the region and delivered to the session's next incarnation on its new node.
/// </summary>
public sealed partial class SessionActor
{
    private void ReceiveHandOff() => Command<HandOff>(_ => StopForHandOff());

    /// <summary>A handoff met in a state that does not stash (an inert session): it stops all the same.</summary>
    protected override void Unhandled(object message)
    {
        if (message is HandOff)
        {
            StopForHandOff();
            return;
        }

        base.Unhandled(message);
    }

    private void StopForHandOff()
    {
        SessionHandOffLog.Stopping(_logger, _id.Value, _status.ToString());
        Context.Stop(Self);
    }

    /// <summary>The region's hand-off stop message for session entities (ShardOptions.HandOffStopMessage).</summary>
    public sealed record HandOff
    {
        public static HandOff Instance { get; } = new();

        private HandOff()
        {
        }
    }
}
