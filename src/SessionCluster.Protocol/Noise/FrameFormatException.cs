namespace SessionCluster.Protocol.Noise;

/// <summary>
/// The byte stream does not hold valid frames: a bad connection header, or a frame longer than
/// allowed. <see cref="Offset"/> counts bytes from the start of the connection's stream.
/// </summary>
public sealed class FrameFormatException : FormatException
{
    public FrameFormatException(string message, long offset)
        : base($"{message} (at stream byte {offset})")
    {
        Offset = offset;
    }

    public long Offset { get; }
}
