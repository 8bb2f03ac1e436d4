using Microsoft.Extensions.Logging;

namespace SessionCluster.Actors;

/// <summary>
/// The parts of a cell that most actors never need: children, watchers, stash, restart bookkeeping, the termination
/// task, a logger. Allocated on first use so that an idle, childless, unwatched actor stays a few hundred bytes.
/// Fields are owned by the cell's own turn unless noted.
/// </summary>
internal sealed class CellExtras
{
    /// <summary>Guarded by its own lock: the system spawns top-level actors from any thread.</summary>
    public ChildrenRegistry? Children;

    /// <summary>Cells that watch this one.</summary>
    public HashSet<ActorCell>? WatchedBy;

    /// <summary>Cells this one watches, with the custom message of <c>WatchWith</c> (null: deliver <see cref="Terminated"/>).</summary>
    public Dictionary<ActorCell, object?>? Watching;

    /// <summary>Messages stashed by the current or a previous incarnation.</summary>
    public List<object>? Stash;

    /// <summary>Messages to process before the mailbox: unstashed ones.</summary>
    public Queue<object>? Front;

    /// <summary>Owned by the parent's turn: restarts counted in the current window.</summary>
    public int RestartCount;

    /// <summary>Owned by the parent's turn: timestamp of the window's first restart (meaningful while RestartCount > 0).</summary>
    public long RestartWindowStart;

    /// <summary>The failure being restarted for.</summary>
    public Exception? RestartCause;

    public TimeSpan RestartBackoff;

    public ITimer? BackoffTimer;

    /// <summary>A child whose failure this cell escalated; resumed if this cell is resumed.</summary>
    public ActorCell? EscalatedChild;

    /// <summary>Completed when the cell terminates; any thread may create it.</summary>
    public TaskCompletionSource? Termination;

    /// <summary>The typed timer scheduler, created by <c>Context.Timers</c>.</summary>
    public object? Timers;

    public ILogger? Log;
}
