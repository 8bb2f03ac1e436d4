namespace SessionCluster.Actors;

/// <summary>Settings of an <see cref="ActorSystem"/>. Every default is named here.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>Messages an actor processes per mailbox turn before it yields the thread to other actors (fairness).
    /// Default 32; higher favours throughput, lower favours latency.</summary>
    public int Throughput { get; init; } = 32;

    /// <summary>Clock for timers, backoff and ask timeouts. Default <see cref="TimeProvider.System"/>; tests may pass a manual one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long <see cref="ActorSystem.ShutdownAsync"/> waits for all actors to stop before it gives up
    /// and completes anyway (logging an error). Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How the user guardian supervises top-level actors. Default <see cref="SupervisorStrategy.Default"/>.
    /// Escalate at the guardian stops the failing top-level actor.</summary>
    public SupervisorStrategy GuardianStrategy { get; init; } = SupervisorStrategy.Default;

    /// <summary>Where mailboxes run. Default: the .NET thread pool. Tests use a single-thread dispatcher.</summary>
    internal Dispatcher? Dispatcher { get; init; }
}
