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
    private void ReceiveHandOff()
    {
        Command<HandOff>(_ => PaceHandOff());
        Command<HandOffSlot>(_ => StopForHandOff());
    }

    /// <summary>
    /// Waits for the shard's slot (<see cref="SessionActorDependencies.HandOffs"/>) still connected and working, then
    /// stops. The region already buffers new commands for the shard; what arrives on the socket meanwhile is handled.
    /// </summary>
    private void PaceHandOff()
    {
        if (Timers.IsTimerActive(HandOffSlot.Instance))
        {
            return;
        }

        var wait = _dependencies.HandOffs.Reserve(SessionRegion.ShardIdOf(_id));
        if (wait <= TimeSpan.Zero)
        {
            StopForHandOff();
            return;
        }

        SessionHandOffLog.Paced(_logger, _id.Value, (long)wait.TotalMilliseconds);
        Timers.StartSingleTimer(HandOffSlot.Instance, HandOffSlot.Instance, wait);
    }

    /// <summary>A handoff met in a state that does not stash (an inert session): it stops all the same.</summary>
    protected override void Unhandled(object message)
    {
        if (message is HandOff or HandOffSlot)
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

    /// <summary>This session's slot in the node's paced handoff has come.</summary>
    private sealed record HandOffSlot
    {
        public static HandOffSlot Instance { get; } = new();
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
