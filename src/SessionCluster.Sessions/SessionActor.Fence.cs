using Akka.Actor;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions;

/// <summary>
/// The write fence (docs/CLUSTER.md "Leases and write fencing"): in a cluster on PostgreSQL a session registers with
/// its shard's lease before anything it does can write, so PostgreSQL refuses its writes (and its keys' and ratchets')
/// from any node that does not hold that lease. Until the registration is durable every command waits in the stash;
/// if it fails the session stops, and its shard starts it again after its backoff.
/// </summary>
public sealed partial class SessionActor
{
    private void RegisterWithFence(Action then)
    {
        if (_dependencies.WriteFence is not { } fence)
        {
            then();
            return;
        }

        var self = Self;
        fence(_id, CancellationToken.None).ContinueWith(
            registered => registered.IsCompletedSuccessfully ? (object)FenceRegistered.Instance : new FenceRefused(registered.Exception?.GetBaseException()),
            TaskScheduler.Default).PipeTo(self);
        BecomeStacked(() =>
        {
            Command<FenceRegistered>(_ =>
            {
                UnbecomeStacked();
                then();
                Stash.UnstashAll();
            });
            Command<FenceRefused>(refused =>
            {
                SessionFenceLog.Refused(_logger, _id.Value, refused.Cause?.Message ?? "unknown");
                Context.Stop(Self);
            });
            CommandAny(_ => Stash.Stash());
        });
    }

    private sealed record FenceRegistered
    {
        public static FenceRegistered Instance { get; } = new();
    }

    private sealed record FenceRefused(Exception? Cause);
}
