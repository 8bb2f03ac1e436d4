namespace SessionCluster.Actors;

/// <summary>
/// Messages between cells about lifecycle, supervision and death watch. They bypass the user mailbox and are processed
/// first. Each instance is a node of an intrusive lock-free stack (<see cref="Next"/>), so an idle actor needs no
/// storage for them; a fresh instance is needed per send.
/// </summary>
internal abstract class SystemMessage
{
    internal SystemMessage? Next;
}

/// <summary>Stop the receiver (graceful: after its current message).</summary>
internal sealed class StopSignal : SystemMessage;

/// <summary><see cref="Watcher"/> wants a death-watch notification when the receiver terminates.</summary>
internal sealed class WatchSignal(ActorCell watcher) : SystemMessage
{
    public ActorCell Watcher { get; } = watcher;
}

/// <summary><see cref="Watcher"/> no longer wants a notification.</summary>
internal sealed class UnwatchSignal(ActorCell watcher) : SystemMessage
{
    public ActorCell Watcher { get; } = watcher;
}

/// <summary><see cref="Actor"/>, which the receiver watches, has terminated.</summary>
internal sealed class DeathWatchNotification(ActorCell actor) : SystemMessage
{
    public ActorCell Actor { get; } = actor;
}

/// <summary>A child of the receiver failed and is suspended until the receiver (its supervisor) decides.</summary>
internal sealed class FailedSignal(ActorCell child, Exception cause) : SystemMessage
{
    public ActorCell Child { get; } = child;
    public Exception Cause { get; } = cause;
}

/// <summary>The supervisor's decision: continue with the next message.</summary>
internal sealed class ResumeSignal : SystemMessage;

/// <summary>The supervisor's decision: restart after <see cref="Backoff"/>.</summary>
internal sealed class RestartSignal(Exception cause, TimeSpan backoff) : SystemMessage
{
    public Exception Cause { get; } = cause;
    public TimeSpan Backoff { get; } = backoff;
}

/// <summary>The restart backoff of the receiver has elapsed.</summary>
internal sealed class BackoffElapsedSignal : SystemMessage;

/// <summary>A child of the receiver has terminated (and has already left the receiver's children).</summary>
internal sealed class ChildTerminatedSignal(ActorCell child) : SystemMessage
{
    public ActorCell Child { get; } = child;
}

/// <summary>Marks a terminated cell's system queue as closed: later signals are handled by the sender.</summary>
internal sealed class ClosedSignal : SystemMessage
{
    public static readonly ClosedSignal Instance = new();
}
