namespace SessionCluster.Protocol.Binary;

/// <summary>
/// The one error every malformed binary node or frame produces. <see cref="Offset"/> is the byte
/// position in the decoded buffer where the problem was found, so a captured frame can be inspected.
/// </summary>
public sealed class BinaryFormatException : FormatException
{
    public BinaryFormatException(string message, long offset)
        : base($"{message} (at byte {offset})")
    {
        Offset = offset;
    }

    public BinaryFormatException(string message, long offset, Exception inner)
        : base($"{message} (at byte {offset})", inner)
    {
        Offset = offset;
    }

    /// <summary>Byte offset into the input at which decoding failed.</summary>
    public long Offset { get; }
}
