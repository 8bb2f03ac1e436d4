namespace SessionCluster.Actors;

/// <summary>An ask got no reply within its timeout. Names the target and the timeout.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for an ask to <paramref name="target"/> that waited <paramref name="timeout"/>.</summary>
    public AskTimeoutException(ActorPath target, TimeSpan timeout)
        : base($"Ask to {target} timed out after {timeout.TotalMilliseconds:0} ms without a reply.")
    {
        Target = target;
        Timeout = timeout;
    }

    /// <summary>Creates the exception.</summary>
    public AskTimeoutException() : base("Ask timed out.") { }

    /// <summary>Creates the exception with a message.</summary>
    public AskTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AskTimeoutException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The actor that was asked, when known.</summary>
    public ActorPath? Target { get; }

    /// <summary>How long the ask waited.</summary>
    public TimeSpan Timeout { get; }
}
