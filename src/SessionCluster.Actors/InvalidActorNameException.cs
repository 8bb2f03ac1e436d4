namespace SessionCluster.Actors;

/// <summary>A child name is empty, malformed, reserved (starts with <c>$</c>) or already used by a live sibling.</summary>
public sealed class InvalidActorNameException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException() : base("Invalid actor name.") { }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidActorNameException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InvalidActorNameException(string message, Exception innerException) : base(message, innerException) { }
}
