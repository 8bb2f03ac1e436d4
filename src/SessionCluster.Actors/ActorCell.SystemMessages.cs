namespace SessionCluster.Actors;

/// <summary>Dispatch of system messages on the cell's turn, and answers to those that reach a terminated cell.</summary>
internal abstract partial class ActorCell
{
    private void ProcessSystemMessages()
    {
        var taken = Interlocked.Exchange(ref _systemInbox, null);
        if (taken is not null) AppendToBacklog(Reverse(taken));
        while (_systemBacklog is { } message)
        {
            _systemBacklog = message.Next;
            message.Next = null;
            Handle(message);
            if (_awaiting || _state == CellState.Terminated) return;
        }
    }

    private static SystemMessage Reverse(SystemMessage newestFirst)
    {
        SystemMessage? reversed = null;
        var current = newestFirst;
        while (current is not null)
        {
            var next = current.Next;
            current.Next = reversed;
            reversed = current;
            current = next;
        }
        return reversed!;
    }

    private void AppendToBacklog(SystemMessage chain)
    {
        if (_systemBacklog is null)
        {
            _systemBacklog = chain;
            return;
        }
        var last = _systemBacklog;
        while (last.Next is not null) last = last.Next;
        last.Next = chain;
    }

    private void Handle(SystemMessage message)
    {
        switch (message)
        {
            case StopSignal:
                BeginTermination();
                break;
            case WatchSignal watch:
                if (!ReferenceEquals(watch.Watcher, this)) (Extras.WatchedBy ??= []).Add(watch.Watcher);
                break;
            case UnwatchSignal unwatch:
                _extras?.WatchedBy?.Remove(unwatch.Watcher);
                break;
            case DeathWatchNotification notification:
                OnWatchedTerminated(notification.Actor);
                break;
            case FailedSignal failed:
                HandleChildFailure(failed.Child, failed.Cause);
                break;
            case ResumeSignal:
                HandleResume();
                break;
            case RestartSignal restart:
                if (_state == CellState.Suspended) BeginRestart(restart.Cause, restart.Backoff);
                break;
            case BackoffElapsedSignal:
                if (_state == CellState.BackingOff) Recreate();
                break;
            case ChildTerminatedSignal childTerminated:
                OnChildTerminated(childTerminated.Child);
                break;
        }
    }

    private void OnChildTerminated(ActorCell child)
    {
        if (ReferenceEquals(_extras?.EscalatedChild, child)) _extras!.EscalatedChild = null;
        if (_extras?.Children is { Count: > 0 }) return;
        if (_state == CellState.Terminating) StartPostStop();
        else if (_state == CellState.WaitingForChildrenToRestart) AfterChildrenStoppedForRestart();
    }

    /// <summary>A system message reached a terminated cell: a watcher still deserves its notification.</summary>
    private void AnswerAfterTermination(SystemMessage message)
    {
        if (message is WatchSignal watch && !ReferenceEquals(watch.Watcher, this))
            watch.Watcher.SendSystem(new DeathWatchNotification(this));
    }
}
