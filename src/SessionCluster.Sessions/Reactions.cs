using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions;

/// <summary>
/// A reaction (docs/PROTOCOL.md §9: stanza <c>type="reaction"</c>, <c>decrypt-fail="hide"</c>): a
/// <c>reactionMessage</c> naming the message reacted to by its key (chat, whether we sent it, id) with one emoji, or an
/// empty text that takes our reaction back. The send route and its idempotency are the same as for any message.
/// </summary>
public static class Reactions
{
    /// <summary>The longest reaction text accepted: one emoji is at most a few code points (a family with skin tones is 11 UTF-16 units per person).</summary>
    public const int MaxLength = 64;

    /// <param name="chat">The 1:1 chat of the message (the peer's user jid).</param>
    /// <param name="messageId">The id of the message reacted to.</param>
    /// <param name="fromMe">Whether that message was sent by this session's account.</param>
    /// <param name="emoji">The reaction; empty removes ours.</param>
    /// <param name="participant">In a group, who sent the message reacted to (when it is not ours); null in a 1:1 chat.</param>
    public static Message For(string chat, string messageId, bool fromMe, string emoji, DateTimeOffset at, string? participant = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(chat);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(emoji);
        return new Message
        {
            ReactionMessage = new ReactionMessage
            {
                Key = participant is null || fromMe
                    ? new MessageKey { RemoteJID = chat, FromMe = fromMe, ID = messageId }
                    : new MessageKey { RemoteJID = chat, FromMe = fromMe, ID = messageId, Participant = participant },
                Text = emoji,
                SenderTimestampMS = at.ToUnixTimeMilliseconds(),
            },
        };
    }
}
