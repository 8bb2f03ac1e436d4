using SessionCluster.Protocol.Media;

namespace SessionCluster.Sessions;

/// <summary>Media retry: asking the sender of a received file to upload it again (docs/PROTOCOL.md §12 "Media retry").</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Sends the server-error receipt for <paramref name="Target"/>'s file, sealed under its <paramref name="MediaKey"/>,
    /// and waits up to <paramref name="Wait"/> for the sender's mediaretry notification. Needs a connection. Replies
    /// <see cref="MediaRetried"/> with the file's new direct path, or <see cref="MediaRetryRefused"/>, <see cref="NotFound"/>,
    /// <see cref="Unavailable"/>. Ask with a timeout longer than <paramref name="Wait"/>.
    /// </summary>
    public sealed record RequestMediaRetry(SessionId SessionId, MediaRetryTarget Target, ReadOnlyMemory<byte> MediaKey, TimeSpan Wait) : IWithSessionId
    {
        /// <summary>The media key is the file's secret: left out.</summary>
        public override string ToString() => $"RequestMediaRetry {{ SessionId = {SessionId}, MessageId = {Target.MessageId}, Wait = {Wait} }}";
    }

    /// <summary>The sender uploaded the file again: it is now at <paramref name="DirectPath"/>.</summary>
    public sealed record MediaRetried(SessionId SessionId, string DirectPath) : Reply(SessionId);

    /// <summary>The file was not uploaded again, and why.</summary>
    public sealed record MediaRetryRefused(SessionId SessionId, MediaRetryRefusal Reason, string Detail) : Reply(SessionId);
}

/// <summary>Why <see cref="SessionCommands.RequestMediaRetry"/> brought no new path.</summary>
public enum MediaRetryRefusal
{
    /// <summary>Asked without a 32-byte media key, a message id or a positive wait: nothing was sent.</summary>
    BadRequest,

    /// <summary>The session has no live connection, is not linked, or ended: it cannot send the receipt.</summary>
    NotConnected,

    /// <summary>No answer came within the wait (the sender's phone is offline, or no longer has the message).</summary>
    TimedOut,

    /// <summary>The sender's side answered that it has no such file (NOT_FOUND, as an error code or a sealed result).</summary>
    SenderNotFound,

    /// <summary>The sender's side answered a failure (GENERAL_ERROR, DECRYPTION_ERROR or an unknown code).</summary>
    SenderFailed,

    /// <summary>The answer did not open under the file's key or is malformed: tampered, or not for this file.</summary>
    BadAnswer,
}
