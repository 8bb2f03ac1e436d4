namespace SessionCluster.Actors;

/// <summary>What a supervisor does with a child whose handler threw.</summary>
public enum SupervisorDirective
{
    /// <summary>Keep the instance and its state; drop the failing message and continue with the next one.</summary>
    Resume,
    /// <summary>Replace the instance with a fresh one from the factory after a backoff; the mailbox and stash are kept.</summary>
    Restart,
    /// <summary>Stop the child.</summary>
    Stop,
    /// <summary>Fail the supervisor itself with the same exception, so that its own supervisor decides.</summary>
    Escalate,
}
