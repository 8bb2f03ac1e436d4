using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Content;

/// <summary>
/// Whether the message another one acts on (a reaction's, a poll vote's, an edit's or a revoke's key) is this account's.
/// The key is written from the sender's side (docs/PROTOCOL.md §9 "A reaction's key is from the sender's side"): its
/// <c>fromMe</c> says whether the target is the sender's, and in a group its <c>participant</c> names the target's
/// author; only the receiving session knows its own account, so it answers when the message arrives.
/// </summary>
internal static class MessageTargets
{
    /// <returns>Null when the message acts on none, or the key does not say (a group key without a participant).</returns>
    public static bool? TargetFromMe(Message message, bool senderIsUs, Func<Jid, bool> isOwnAccount)
    {
        if (KeyOf(MessageWrappers.Unwrap(message)) is not { } key)
        {
            return null;
        }

        if (senderIsUs || key.FromMe)
        {
            // Our own copy names our message by fromMe; another's names its own message so, which is not ours.
            return senderIsUs && key.FromMe;
        }

        if (Jid.TryParse(key.RemoteJID, out var chat) && !chat.IsGroup && !chat.IsBroadcast)
        {
            // In a one-to-one chat a message that is not the sender's is ours.
            return true;
        }

        return key.HasParticipant && Jid.TryParse(key.Participant, out var author) ? isOwnAccount(author) : null;
    }

    private static MessageKey? KeyOf(Message content) =>
        content.ReactionMessage?.Key ?? content.PollUpdateMessage?.PollCreationMessageKey ?? content.ProtocolMessage?.Key;
}
