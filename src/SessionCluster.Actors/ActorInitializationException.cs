namespace SessionCluster.Actors;

/// <summary>
/// An actor could not be created or started: its factory, <c>PreStartAsync</c> or <c>PostRestartAsync</c> threw.
/// The default supervisor strategy stops such an actor instead of restarting it in a loop.
/// </summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorInitializationException() : base("Actor initialization failed.") { }

    /// <summary>Creates the exception with a message.</summary>
    public ActorInitializationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public ActorInitializationException(string message, Exception innerException) : base(message, innerException) { }
}
