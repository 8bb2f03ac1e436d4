using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// How the server names the sender of what it delivers (docs/PROTOCOL.md §5, §10): every simulator account is LID-migrated,
/// so a 1:1 message comes from the sender's LID device with its phone number beside it, a group message names its
/// author by LID device with <c>participant_pn</c>, and a receipt comes from the receiver's LID device. The alternate
/// address is the bare user (no device), as Baileys' <c>extractAddressingContext</c> and whatsmeow's
/// <c>parseMessageSource</c> expect: both copy the device over from the primary address.
/// </summary>
internal static class LidAddressing
{
    /// <summary>The <c>addressing_mode</c> of every LID-addressed delivery.</summary>
    public const string Mode = "lid";

    /// <summary>
    /// A 1:1 message from device <paramref name="device"/> of <paramref name="sender"/> to <paramref name="chat"/>, as the
    /// copy for <paramref name="receiver"/> carries it:
    /// another account gets <c>from=LID_DEVICE sender_pn=PN addressing_mode="lid"</c>;
    /// the sender's own other devices get <c>from=LID_DEVICE recipient=CHAT_LID peer_recipient_pn=CHAT_PN addressing_mode="lid"</c>
    /// (no <c>sender_pn</c>: Baileys reads <c>sender_pn</c> before <c>peer_recipient_pn</c> as the chat's alternate address);
    /// a peer message (the chat is the sender's own account) gets the first form.
    /// </summary>
    public static IReadOnlyList<NodeAttribute> DirectSender(Account sender, int device, Account chat, Account receiver)
    {
        var from = ("from", sender.DeviceLid(device).ToString());
        if (receiver == sender && chat != sender)
        {
            return [from, ("recipient", chat.Lid.ToString()), ("peer_recipient_pn", chat.Jid.ToString()), ("addressing_mode", Mode)];
        }

        return [from, ("sender_pn", sender.Jid.ToString()), ("addressing_mode", Mode)];
    }

    /// <summary>The author of a group message: <c>participant=LID_DEVICE participant_pn=PN addressing_mode="lid"</c>.</summary>
    public static IReadOnlyList<NodeAttribute> GroupAuthor(Account sender, int device) =>
        [("participant", sender.DeviceLid(device).ToString()), ("participant_pn", sender.Jid.ToString()), ("addressing_mode", Mode)];

    /// <summary>The device a receipt comes from: its LID device JID (bare for device 0).</summary>
    public static Jid ReceiptSender(Account receiver, int device) => receiver.DeviceLid(device);
}
