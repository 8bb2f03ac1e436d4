using Akka.Actor;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge;

/// <summary>
/// Asks the <c>session</c> shard region and waits at most <see cref="EdgeOptions.AskTimeout"/>. The region is looked
/// up per call because the node maps its routes before the ActorSystem has started it.
/// </summary>
public sealed class SessionGateway(Func<CancellationToken, Task<IActorRef>> region, TimeSpan timeout)
{
    /// <summary>The session's reply; throws <see cref="AskTimeoutException"/> when none comes in time (a 504 at the edge).</summary>
    public async Task<Reply> AskAsync(IWithSessionId command, CancellationToken cancellationToken)
    {
        var target = await region(cancellationToken).ConfigureAwait(false);
        return await target.Ask<Reply>(command, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session's reply within <paramref name="within"/> (a command that waits on the network, e.g. a media retry).</summary>
    public async Task<Reply> AskAsync(IWithSessionId command, TimeSpan within, CancellationToken cancellationToken)
    {
        var target = await region(cancellationToken).ConfigureAwait(false);
        return await target.Ask<Reply>(command, within, cancellationToken).ConfigureAwait(false);
    }
}
