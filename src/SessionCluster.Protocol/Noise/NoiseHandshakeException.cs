namespace SessionCluster.Protocol.Noise;

/// <summary>The Noise handshake could not complete: a malformed or tampered message, or a bad key.</summary>
public class NoiseHandshakeException : Exception
{
    public NoiseHandshakeException(string message)
        : base(message)
    {
    }

    public NoiseHandshakeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
