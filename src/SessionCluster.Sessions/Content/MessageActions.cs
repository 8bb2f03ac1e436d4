using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Content;

/// <summary>
/// Acting on a message already sent (docs/PROTOCOL.md §9 "Edits and revokes"): an edit replaces the text of one of
/// our messages, a revoke deletes one of ours for everyone. Both are <c>protocolMessage</c>s naming the message by its
/// key from our side (the 1:1 chat, <c>fromMe</c>, the id), sent as new messages with their own ids; the stanza says
/// <c>edit="1"</c> or <c>edit="7"</c> (<see cref="Protocol.Messages.StanzaKind"/>).
/// </summary>
public static class MessageActions
{
    /// <summary>
    /// How long after sending a message may be edited: WhatsApp's own clients offer an edit for 15 minutes (whatsmeow's
    /// EditWindow is 20 minutes, leeway for clocks); we keep to the 15 minutes users are told of.
    /// </summary>
    public static readonly TimeSpan EditWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// An edit of our message <paramref name="messageId"/> in <paramref name="chat"/> to <paramref name="text"/>:
    /// <c>editedMessage{message{protocolMessage{key, type MESSAGE_EDIT, editedMessage{conversation}, timestampMS}}}</c>,
    /// the shape whatsmeow's BuildEdit sends (Baileys sends the protocolMessage unwrapped; recipients take both).
    /// </summary>
    public static Message Edit(string chat, string messageId, string text, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(chat);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(text);
        return new Message
        {
            EditedMessage = new FutureProofMessage
            {
                Message = new Message
                {
                    ProtocolMessage = new ProtocolMessage
                    {
                        Key = OurKey(chat, messageId),
                        Type = ProtocolMessage.Types.Type.MessageEdit,
                        EditedMessage = new Message { Conversation = text },
                        TimestampMS = at.ToUnixTimeMilliseconds(),
                    },
                },
            },
        };
    }

    /// <summary>A revoke (delete for everyone) of our message <paramref name="messageId"/> in <paramref name="chat"/>: <c>protocolMessage{key, type REVOKE}</c>.</summary>
    public static Message Revoke(string chat, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(chat);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return new Message
        {
            ProtocolMessage = new ProtocolMessage { Key = OurKey(chat, messageId), Type = ProtocolMessage.Types.Type.Revoke },
        };
    }

    private static MessageKey OurKey(string chat, string messageId) => new() { RemoteJID = chat, FromMe = true, ID = messageId };
}
