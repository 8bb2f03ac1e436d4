using Google.Protobuf;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>What became of a message (inbound receipts are the peer's; sent is the server's ack).</summary>
public enum MessageDelivery
{
    /// <summary>Accepted from the caller and durable; not yet on the wire.</summary>
    Accepted = 1,

    /// <summary>The server acknowledged it.</summary>
    Sent = 2,

    /// <summary>A device of the recipient confirmed delivery.</summary>
    Delivered = 3,

    /// <summary>The recipient read it.</summary>
    Read = 4,

    /// <summary>The recipient played it (voice notes, videos).</summary>
    Played = 5,

    /// <summary>It will not be delivered (the reason says why).</summary>
    Failed = 6,
}

/// <summary>
/// A message arrived and decrypted. <paramref name="Chat"/> and <paramref name="Sender"/> are as the server named them
/// (a LID-migrated contact's are LIDs), with their other form (PN ↔ LID) when known; a copy of our own send from another
/// of our devices has <paramref name="FromMe"/> and the chat it went to. <paramref name="Message"/> is the
/// <c>waE2E.Message</c> (a deviceSentMessage unwrapped). Content is never logged: <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record MessageReceivedBody(
    string MessageId,
    string Chat,
    string? ChatAlt,
    string Sender,
    string? SenderAlt,
    string SenderDevice,
    DateTimeOffset Timestamp,
    bool FromMe,
    Message Message,
    bool Offline,
    string? PushName) : SessionEventBody
{
    /// <summary>
    /// For a message acting on another (a reaction, poll vote, edit or revoke): whether that message is this account's,
    /// as the session knew when it arrived (<see cref="Content.MessageTargets"/>); null when it acts on none, the key
    /// does not say, or the event predates the field.
    /// </summary>
    public bool? TargetFromMe { get; init; }

    /// <summary>The text of a conversation or extended-text message, else null.</summary>
    public string? Text => Message.HasConversation ? Message.Conversation : Message.ExtendedTextMessage?.Text;

    public override string ToString() => $"MessageReceivedBody {{ MessageId = {MessageId}, Chat = {Chat}, SenderDevice = {SenderDevice}, FromMe = {FromMe} }}";

    internal MessageReceived ToProto()
    {
        var proto = new MessageReceived
        {
            MessageId = MessageId,
            Chat = Chat,
            ChatAlt = ChatAlt ?? "",
            Sender = Sender,
            SenderAlt = SenderAlt ?? "",
            SenderDevice = SenderDevice,
            TimestampUnixS = Timestamp.ToUnixTimeSeconds(),
            FromMe = FromMe,
            Message = Message.ToByteString(),
            Offline = Offline,
            PushName = PushName ?? "",
        };
        if (TargetFromMe is { } targetFromMe)
        {
            proto.TargetFromMe = targetFromMe;
        }

        return proto;
    }

    internal static MessageReceivedBody FromProto(MessageReceived proto) => new(
        proto.MessageId,
        proto.Chat,
        NullIfEmpty(proto.ChatAlt),
        proto.Sender,
        NullIfEmpty(proto.SenderAlt),
        proto.SenderDevice,
        DateTimeOffset.FromUnixTimeSeconds(proto.TimestampUnixS),
        proto.FromMe,
        Message.Parser.ParseFrom(proto.Message),
        proto.Offline,
        NullIfEmpty(proto.PushName))
    {
        TargetFromMe = proto.HasTargetFromMe ? proto.TargetFromMe : null,
    };

    internal static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>What became of one of our messages; <paramref name="Device"/> is the device whose receipt said so, if any.</summary>
public sealed record MessageStatusBody(string MessageId, string Chat, MessageDelivery Status, string? Device = null, string? Reason = null) : SessionEventBody
{
    internal MessageStatusChanged ToProto() => new()
    {
        MessageId = MessageId,
        Chat = Chat,
        Status = Status.ToString(),
        Device = Device ?? "",
        Reason = Reason ?? "",
    };

    internal static MessageStatusBody FromProto(MessageStatusChanged proto) => new(
        proto.MessageId,
        proto.Chat,
        Enum.Parse<MessageDelivery>(proto.Status),
        MessageReceivedBody.NullIfEmpty(proto.Device),
        MessageReceivedBody.NullIfEmpty(proto.Reason));
}

/// <summary>
/// A message that did not decrypt: a retry receipt asked the sender for it again (<paramref name="RetryCount"/>, at most
/// <see cref="Flows.Retries.MaxRetries"/>; past it nothing more is asked and the message is given up).
/// </summary>
public sealed record UndecryptableBody(string MessageId, string Chat, string SenderDevice, int RetryCount, string Reason) : SessionEventBody
{
    internal MessageUndecryptable ToProto() => new()
    {
        MessageId = MessageId,
        Chat = Chat,
        SenderDevice = SenderDevice,
        RetryCount = (uint)RetryCount,
        Reason = Reason,
    };

    internal static UndecryptableBody FromProto(MessageUndecryptable proto) =>
        new(proto.MessageId, proto.Chat, proto.SenderDevice, (int)proto.RetryCount, proto.Reason);
}

/// <summary>Where a contact's identity change was seen.</summary>
public enum IdentityChangeSource
{
    /// <summary>A message from the device came on a new identity key (the old session was archived).</summary>
    Message = 1,

    /// <summary>The server's <c>&lt;notification type="encrypt"&gt;&lt;identity/&gt;</c> named the user.</summary>
    Notification = 2,
}

/// <summary>
/// A contact's identity key changed: reinstalled WhatsApp, a new phone — or someone else. Operators show it the way the
/// phone shows "security code changed"; <paramref name="Jid"/> is the device (from a message) or the user (from a notification).
/// </summary>
public sealed record ContactIdentityChangedBody(string Jid, IdentityChangeSource Source) : SessionEventBody
{
    internal ContactIdentityChanged ToProto() => new() { Jid = Jid, Source = Source.ToString() };

    internal static ContactIdentityChangedBody FromProto(ContactIdentityChanged proto) => new(proto.Jid, Enum.Parse<IdentityChangeSource>(proto.Source));
}
