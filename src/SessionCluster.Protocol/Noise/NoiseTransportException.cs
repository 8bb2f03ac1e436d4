namespace SessionCluster.Protocol.Noise;

/// <summary>
/// A transport frame failed authentication (tampered, reordered or from another session), or a
/// counter would wrap. The connection cannot continue: the cipher state is left as it was so the
/// caller can close cleanly, but the peer's stream is no longer trustworthy.
/// </summary>
public sealed class NoiseTransportException : Exception
{
    public NoiseTransportException(string message)
        : base(message)
    {
    }

    public NoiseTransportException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
