namespace SessionCluster.Protocol.Signal;

/// <summary>A stored session or sender-key record cannot be read: corrupt bytes or an unknown record version.</summary>
public sealed class SignalRecordException : Exception
{
    public SignalRecordException(string message)
        : base(message)
    {
    }

    public SignalRecordException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
