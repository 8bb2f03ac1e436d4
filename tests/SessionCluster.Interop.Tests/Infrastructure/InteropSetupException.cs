namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// The machine cannot run the interop peers: Node.js or npm is missing or too old, or the npm
/// packages could not be installed. The message says what to install or run. Interop tests never
/// skip on this; a missing peer is a failed run, not a green one.
/// </summary>
public sealed class InteropSetupException : Exception
{
    public InteropSetupException(string message)
        : base(message)
    {
    }

    public InteropSetupException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
