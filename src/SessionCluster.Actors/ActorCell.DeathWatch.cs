namespace SessionCluster.Actors;

/// <summary>Death watch: who watches this cell, whom it watches, and the notifications between them.</summary>
internal abstract partial class ActorCell
{
    /// <summary>Runs on this cell's turn. <paramref name="customMessage"/> null means "deliver Terminated".</summary>
    public void Watch(ActorCell other, object? customMessage)
    {
        if (ReferenceEquals(other, this)) return;
        var watching = Extras.Watching ??= [];
        bool alreadyWatching = watching.ContainsKey(other);
        watching[other] = customMessage; // watching again replaces the message; one notification either way
        if (!alreadyWatching) other.SendSystem(new WatchSignal(this));
    }

    /// <summary>Runs on this cell's turn. A notification already on its way is ignored.</summary>
    public void Unwatch(ActorCell other)
    {
        if (_extras?.Watching is { } watching && watching.Remove(other))
            other.SendSystem(new UnwatchSignal(this));
    }

    private void OnWatchedTerminated(ActorCell actor)
    {
        if (_extras?.Watching is not { } watching || !watching.Remove(actor, out var customMessage)) return; // unwatched
        if (_state is CellState.Terminating or CellState.Stopping or CellState.Terminated) return;
        // As in Akka, a death is handled before the user messages already queued (so the actor stops using a dead
        // actor at once), but like a message: on the actor's turn, one at a time, not re-entrant, supervised.
        (Extras.Front ??= new Queue<object>()).Enqueue(customMessage is null
            ? InternalEnvelope.ForTerminated(new Terminated(actor.SelfRef))
            : InternalEnvelope.ForWatchMessage(customMessage));
    }

    private void NotifyWatchersAndUnwatchAll()
    {
        var extras = _extras;
        if (extras is null) return;
        if (extras.WatchedBy is { } watchers)
        {
            foreach (var watcher in watchers) watcher.SendSystem(new DeathWatchNotification(this));
            watchers.Clear();
        }
        if (extras.Watching is { } watching)
        {
            foreach (var watched in watching.Keys) watched.SendSystem(new UnwatchSignal(this));
            watching.Clear();
        }
    }
}
