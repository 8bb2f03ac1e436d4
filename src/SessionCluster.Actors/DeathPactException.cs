namespace SessionCluster.Actors;

/// <summary>
/// Thrown by the default <see cref="Actor{TMessage}.OnTerminatedAsync"/>: a watched actor terminated and the watcher
/// did not handle it. It fails the watcher, so its supervisor decides (the default strategy stops it).
/// </summary>
public sealed class DeathPactException : Exception
{
    /// <summary>Creates the exception for the actor that died.</summary>
    public DeathPactException(IActorRef deadActor)
        : base($"Watched actor {deadActor.Path} terminated and the watcher did not handle Terminated.") => DeadActor = deadActor;

    /// <summary>Creates the exception without naming the actor.</summary>
    public DeathPactException() : base("A watched actor terminated and the watcher did not handle Terminated.") { }

    /// <summary>Creates the exception with a message.</summary>
    public DeathPactException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DeathPactException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The watched actor that terminated, when known.</summary>
    public IActorRef? DeadActor { get; }
}
