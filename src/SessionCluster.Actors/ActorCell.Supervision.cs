namespace SessionCluster.Actors;

/// <summary>Failure of a cell and the supervisor's decision about a failed child.</summary>
internal abstract partial class ActorCell
{
    /// <summary>The handler (or a lifecycle hook) threw: log once, drop the message, suspend and ask the parent.</summary>
    private void Fail(Exception cause, object? message)
    {
        if (_stopRequested)
        {
            // The actor already decided to stop (PersistentActor relies on this): no supervisor, no restart.
            RuntimeLog.FailedWhileStopping(System.RuntimeLogger, cause, Path.ToString());
            BeginTermination();
            return;
        }
        string path = Path.ToString();
        string messageType = message is null ? "(lifecycle)" : DescribeMessageType(message);
        RuntimeLog.ActorFailed(System.RuntimeLogger, cause, path, messageType);
        if (message is not null) RuntimeLog.FailingMessageDropped(System.RuntimeLogger, messageType, path);
        SuspendAndReport(cause);
    }

    private void SuspendAndReport(Exception cause)
    {
        _state = CellState.Suspended;
        if (Parent is { } parent)
        {
            parent.SendSystem(new FailedSignal(this, cause));
            return;
        }
        // The guardian itself failed: nobody above it can decide.
        RuntimeLog.ActorStoppedBySupervisor(System.RuntimeLogger, cause, Path.ToString(), SupervisorDirective.Stop);
        BeginTermination();
    }

    private static string DescribeMessageType(object message) =>
        message is InternalEnvelope envelope ? envelope.Payload.GetType().Name : message.GetType().Name;

    /// <summary>Runs on the parent's turn: decide what happens to a failed child.</summary>
    private void HandleChildFailure(ActorCell child, Exception cause)
    {
        if (_state is CellState.Terminating or CellState.Stopping or CellState.Terminated) return; // it is being stopped anyway
        if (!ReferenceEquals(child.Parent, this) || child.IsTerminated) return;

        var strategy = CurrentSupervisorStrategy;
        SupervisorDirective directive;
        try
        {
            directive = strategy.Decider(cause);
        }
        catch (Exception deciderFailure)
        {
            RuntimeLog.DeciderFailed(System.RuntimeLogger, deciderFailure, Path.ToString());
            directive = SupervisorDirective.Stop;
        }

        switch (directive)
        {
            case SupervisorDirective.Resume:
                child.SendSystem(new ResumeSignal());
                break;
            case SupervisorDirective.Restart:
                if (!child.TryCountRestart(strategy, System.TimeProvider, out int restartIndex))
                {
                    RuntimeLog.RestartLimitExceeded(System.RuntimeLogger, cause, child.Path.ToString(), strategy.MaxRestarts, strategy.WithinWindow);
                    child.Stop();
                    break;
                }
                var backoff = strategy.ComputeBackoff(restartIndex);
                RuntimeLog.ActorRestarting(System.RuntimeLogger, child.Path.ToString(), backoff);
                child.SendSystem(new RestartSignal(cause, backoff));
                break;
            case SupervisorDirective.Escalate when Parent is not null:
                RuntimeLog.Escalating(System.RuntimeLogger, Path.ToString());
                Extras.EscalatedChild = child;
                SuspendAndReport(cause);
                break;
            default: // Stop, or Escalate at the guardian where nobody is above
                RuntimeLog.ActorStoppedBySupervisor(System.RuntimeLogger, cause, child.Path.ToString(), directive);
                child.Stop();
                break;
        }
    }

    /// <summary>Runs on the parent's turn (restart statistics belong to the supervisor's decision).</summary>
    private bool TryCountRestart(SupervisorStrategy strategy, TimeProvider clock, out int restartIndex)
    {
        var extras = Extras;
        long now = clock.GetTimestamp();
        if (extras.RestartCount == 0 || clock.GetElapsedTime(extras.RestartWindowStart, now) > strategy.WithinWindow)
        {
            extras.RestartWindowStart = now;
            extras.RestartCount = 0;
        }
        restartIndex = extras.RestartCount;
        if (strategy.MaxRestarts >= 0 && extras.RestartCount >= strategy.MaxRestarts) return false;
        extras.RestartCount++;
        return true;
    }

    private void HandleResume()
    {
        if (_state != CellState.Suspended) return;
        if (!HasInstance)
        {
            // Nothing to resume (creation failed): the only way forward is a fresh instance.
            BeginRestart(new ActorInitializationException($"{Path} was resumed without an instance."), TimeSpan.Zero);
            return;
        }
        _state = CellState.Running;
        if (_extras?.EscalatedChild is { } escalated)
        {
            _extras.EscalatedChild = null;
            escalated.SendSystem(new ResumeSignal());
        }
    }
}
