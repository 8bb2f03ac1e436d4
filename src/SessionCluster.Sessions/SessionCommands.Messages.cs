using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions;

/// <summary>The session's message commands: send and mark read.</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Sends <paramref name="Content"/> to <paramref name="To"/> (a user jid, phone number or LID, or a group jid). The send is durable
    /// before the answer: <see cref="SendAccepted"/> with the message id; what happens next is reported as
    /// <see cref="MessageStatusBody"/> events (Sent on the server's ack, then Delivered, Read, or Failed). The same
    /// <paramref name="IdempotencyKey"/> sent again is answered with the first send's id and sends nothing. Refused with
    /// <see cref="SendRefused"/>, or <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record Send(SessionId SessionId, string To, Message Content, string? IdempotencyKey = null) : IWithSessionId
    {
        /// <summary>A plain text message.</summary>
        public static Send Text(SessionId sessionId, string to, string text, string? idempotencyKey = null) =>
            new(sessionId, to, new Message { Conversation = text }, idempotencyKey);

        public override string ToString() => $"Send {{ SessionId = {SessionId}, To = {To}, IdempotencyKey = {IdempotencyKey} }}";
    }

    /// <summary>
    /// Sends read receipts for <paramref name="MessageIds"/> that <paramref name="Sender"/> (a user or device jid, as the
    /// <see cref="MessageReceivedBody"/> named it) sent in <paramref name="Chat"/>. Answered <see cref="ReadMarked"/> once
    /// the receipt is on its way, or <see cref="SendRefused"/> (not connected, bad jid).
    /// </summary>
    public sealed record MarkRead(SessionId SessionId, string Chat, string Sender, IReadOnlyList<string> MessageIds) : IWithSessionId;

    /// <summary>The send is durable and will be sent (now, or when the session is connected again).</summary>
    public sealed record SendAccepted(SessionId SessionId, string MessageId) : Reply(SessionId);

    public sealed record ReadMarked(SessionId SessionId, int Count) : Reply(SessionId);

    /// <summary>Nothing was accepted, and why.</summary>
    public sealed record SendRefused(SessionId SessionId, SendRefusal Reason, string Detail) : Reply(SessionId);
}

/// <summary>Why a message command was refused.</summary>
public enum SendRefusal
{
    /// <summary>The session is not linked to a phone (nothing to send as).</summary>
    NotLinked,

    /// <summary>The session was deleted or logged out.</summary>
    Ended,

    /// <summary>The recipient is not a user or group jid this session can send to (or is its own account).</summary>
    BadRecipient,

    /// <summary>The message is empty or too large.</summary>
    BadContent,

    /// <summary>The command needs a live connection and there is none (read receipts are not queued).</summary>
    NotConnected,

    /// <summary>A vote names a poll this session neither sent nor received (or one too old to be remembered), so it has no secret to vote with.</summary>
    UnknownPoll,

    /// <summary>A vote names an option the poll does not have, or more options than a voter may choose.</summary>
    UnknownPollOption,
}
