namespace SessionCluster.Actors;

/// <summary>Start, restart and stop of a cell: the state machine described at the top of ActorCell.cs.</summary>
internal abstract partial class ActorCell
{
    /// <summary>Creates the actor instance from the factory and attaches its context.</summary>
    protected abstract void CreateInstance();

    /// <summary>Drops the instance (after PostStop, or before a restart's new one).</summary>
    protected abstract void ReleaseInstance();

    protected abstract bool HasInstance { get; }

    /// <summary>Runs the handler for a user message (or a timer / Terminated envelope).</summary>
    protected abstract ValueTask InvokeReceive(object message);

    protected abstract ValueTask InvokePreStart();

    protected abstract ValueTask InvokePostStop();

    protected abstract ValueTask InvokePreRestart(Exception reason);

    protected abstract ValueTask InvokePostRestart(Exception reason);

    /// <summary>Cancels the instance's timers (on stop and restart).</summary>
    protected abstract void CancelTimers();

    /// <summary>How this cell supervises its children.</summary>
    protected abstract SupervisorStrategy CurrentSupervisorStrategy { get; }

    /// <summary>Schedules the first turn, which creates the instance and runs PreStart.</summary>
    public void Launch() => TrySchedule(preferLocal: false);

    /// <summary>Context.Stop(Self): stop after the current message or phase.</summary>
    public void RequestStopSelf() => _stopRequested = true;

    private void Start()
    {
        try
        {
            CreateInstance();
        }
        catch (Exception exception)
        {
            Fail(new ActorInitializationException($"The factory of {Path} threw.", exception), message: null);
            return;
        }
        _state = CellState.Suspended; // not Running until PreStart completed: messages wait in the mailbox
        ValueTask pending;
        try
        {
            pending = InvokePreStart();
        }
        catch (Exception exception)
        {
            FinishPhase(Phase.PreStart, exception);
            return;
        }
        Continue(pending, Phase.PreStart);
    }

    private void FinishPhase(Phase phase, Exception? error)
    {
        switch (phase)
        {
            case Phase.Receive:
                var message = _currentMessage;
                _currentMessage = null;
                if (error is not null) Fail(error, message);
                else if (_stopRequested) BeginTermination();
                break;
            case Phase.PreStart:
            case Phase.PostRestart:
                if (error is not null)
                {
                    Fail(new ActorInitializationException($"{(phase == Phase.PreStart ? "PreStartAsync" : "PostRestartAsync")} of {Path} threw.", error), message: null);
                    break;
                }
                if (phase == Phase.PostRestart) UnstashAll();
                _state = CellState.Running;
                if (_stopRequested) BeginTermination();
                break;
            case Phase.PreRestart:
                if (error is not null) RuntimeLog.LifecycleHookFailed(System.RuntimeLogger, error, "PreRestartAsync", Path.ToString());
                StopChildrenForRestart();
                break;
            case Phase.PostStop:
                if (error is not null) RuntimeLog.LifecycleHookFailed(System.RuntimeLogger, error, "PostStopAsync", Path.ToString());
                FinalizeTermination();
                break;
        }
    }

    // ---- restart -----------------------------------------------------------------------------------------------

    private void BeginRestart(Exception cause, TimeSpan backoff)
    {
        var extras = Extras;
        extras.RestartCause = cause;
        extras.RestartBackoff = backoff;
        _state = CellState.WaitingForChildrenToRestart;
        if (!HasInstance)
        {
            StopChildrenForRestart();
            return;
        }
        ValueTask pending;
        try
        {
            pending = InvokePreRestart(cause);
        }
        catch (Exception exception)
        {
            FinishPhase(Phase.PreRestart, exception);
            return;
        }
        Continue(pending, Phase.PreRestart);
    }

    private void StopChildrenForRestart()
    {
        CancelTimers();
        ReleaseInstance();
        _state = CellState.WaitingForChildrenToRestart;
        if (!StopAllChildren()) AfterChildrenStoppedForRestart();
    }

    private void AfterChildrenStoppedForRestart()
    {
        var extras = Extras;
        if (extras.RestartBackoff <= TimeSpan.Zero)
        {
            Recreate();
            return;
        }
        _state = CellState.BackingOff;
        extras.BackoffTimer = System.TimeProvider.CreateTimer(
            static state => ((ActorCell)state!).SendSystem(new BackoffElapsedSignal()),
            this, extras.RestartBackoff, Timeout.InfiniteTimeSpan);
    }

    private void Recreate()
    {
        var extras = Extras;
        extras.BackoffTimer?.Dispose();
        extras.BackoffTimer = null;
        var cause = extras.RestartCause ?? new InvalidOperationException("Restart without a cause.");
        extras.RestartCause = null;
        _stopRequested = false;
        try
        {
            CreateInstance();
        }
        catch (Exception exception)
        {
            Fail(new ActorInitializationException($"The factory of {Path} threw during restart.", exception), message: null);
            return;
        }
        _state = CellState.Suspended;
        ValueTask pending;
        try
        {
            pending = InvokePostRestart(cause);
        }
        catch (Exception exception)
        {
            FinishPhase(Phase.PostRestart, exception);
            return;
        }
        Continue(pending, Phase.PostRestart);
    }

    // ---- stop --------------------------------------------------------------------------------------------------

    private void BeginTermination()
    {
        if (_state is CellState.Terminating or CellState.Stopping or CellState.Terminated) return;
        _state = CellState.Terminating;
        CancelTimers();
        if (_extras is { } extras)
        {
            extras.BackoffTimer?.Dispose();
            extras.BackoffTimer = null;
            extras.Children?.Close();
        }
        if (!StopAllChildren()) StartPostStop();
    }

    /// <summary>Sends Stop to every child; false if there are none.</summary>
    private bool StopAllChildren()
    {
        var registry = _extras?.Children;
        if (registry is null || registry.Count == 0) return false;
        foreach (var child in registry.Snapshot())
            child.SendSystem(new StopSignal());
        return true;
    }

    private void StartPostStop()
    {
        _state = CellState.Stopping;
        if (!HasInstance)
        {
            FinalizeTermination();
            return;
        }
        ValueTask pending;
        try
        {
            pending = InvokePostStop();
        }
        catch (Exception exception)
        {
            FinishPhase(Phase.PostStop, exception);
            return;
        }
        Continue(pending, Phase.PostStop);
    }

    private void FinalizeTermination()
    {
        _state = CellState.Terminated;
        ReleaseInstance();
        Interlocked.Or(ref _status, TerminatedBit | ScheduledBit); // Scheduled stays set: no turn will run again
        _gate?.Close();

        var extras = _extras;
        if (extras is not null)
        {
            if (extras.Front is { } front)
                while (front.Count > 0) PublishLeftover(front.Dequeue(), DeadLetterReason.LeftInMailbox);
            if (extras.Stash is { } stash)
            {
                foreach (var stashed in stash) PublishLeftover(stashed, DeadLetterReason.LeftInMailbox);
                stash.Clear();
            }
        }
        DrainMailboxToDeadLetters(DeadLetterReason.LeftInMailbox);

        // Close the system inbox; whatever was still in it is answered as if it arrived after termination.
        var inbox = Interlocked.Exchange(ref _systemInbox, ClosedSignal.Instance);
        var backlog = _systemBacklog;
        _systemBacklog = null;
        for (var message = backlog; message is not null; message = message.Next) AnswerAfterTermination(message);
        for (var message = inbox; message is not null; message = message.Next) AnswerAfterTermination(message);

        NotifyWatchersAndUnwatchAll();

        if (Parent is { } parent)
        {
            parent.RemoveChild(this); // the name is free once we are terminated
            parent.SendSystem(new ChildTerminatedSignal(this));
        }
        else
        {
            System.OnGuardianTerminated();
        }
        Volatile.Read(ref _extras)?.Termination?.TrySetResult();
    }

    /// <summary>Completes when this cell has terminated.</summary>
    public Task WhenTerminated
    {
        get
        {
            var extras = Extras;
            var termination = Volatile.Read(ref extras.Termination);
            if (termination is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                termination = Interlocked.CompareExchange(ref extras.Termination, created, null) ?? created;
            }
            if (IsTerminated) termination.TrySetResult(); // covers a termination that raced with the creation above
            return termination.Task;
        }
    }

    /// <summary>Stops the cell from outside (system or parent).</summary>
    public void Stop() => SendSystem(new StopSignal());
}
