using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>One <c>&lt;enc&gt;</c> of an arriving message: its type (pkmsg, msg, skmsg), version and retry count.</summary>
public sealed record InboundEnc(string Type, string Version, ReadOnlyMemory<byte> Ciphertext, int? RetryCount);

/// <summary>
/// An arriving <c>&lt;message&gt;</c> as the receive flow needs it (docs/PROTOCOL.md §5, §10): who sent it (the sending
/// device, and its phone-number form when the server added one), which chat it belongs to, and its encs. Built only by
/// <see cref="Parse"/>, which refuses anything the flow could not answer correctly.
/// </summary>
public sealed record InboundMessage(
    string Id,
    Jid From,
    Jid SenderDevice,
    Jid? SenderPhone,
    Jid? Recipient,
    Jid? RecipientPhone,
    string? Participant,
    DateTimeOffset Timestamp,
    bool Offline,
    bool Peer,
    string? PushName,
    IReadOnlyList<InboundEnc> Encs)
{
    /// <summary>
    /// Whether it is a group message or a status (from = the group or <c>status@broadcast</c>, participant = the sending
    /// device): both are sender-key messages (docs/PROTOCOL.md §9 "Status").
    /// </summary>
    public bool InGroup => From.IsGroup || IsStatus;

    /// <summary>Whether it is a status update (from = <c>status@broadcast</c>).</summary>
    public bool IsStatus => From.IsBroadcast && From.User == "status";

    /// <summary>Reads a <c>&lt;message&gt;</c> stanza.</summary>
    /// <exception cref="InboundStanzaException">No id or from, a group message without participant, or an enc without bytes or type.</exception>
    public static InboundMessage Parse(Node message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var id = message.GetOptionalString("id") is { Length: > 0 } value ? value : throw new InboundStanzaException("a message without id");
            var from = message.GetJid("from");
            var participant = message.GetOptionalJid("participant");
            if ((from.IsGroup || from.IsBroadcast) && participant is null)
            {
                throw new InboundStanzaException($"group or broadcast message {id} without participant");
            }

            var senderDevice = participant ?? from;
            var senderPhone = message.GetOptionalJid("participant_pn") ?? message.GetOptionalJid("sender_pn");
            var encs = new List<InboundEnc>();
            foreach (var enc in message.GetChildren("enc"))
            {
                if (enc.ContentKind != NodeContentKind.Bytes || enc.GetOptionalString("type") is not { Length: > 0 } type)
                {
                    throw new InboundStanzaException($"message {id} has an <enc> without type or ciphertext");
                }

                encs.Add(new InboundEnc(type, enc.GetOptionalString("v") ?? "2", enc.Bytes, enc.GetOptionalInt("count")));
            }

            return new InboundMessage(
                id,
                from,
                senderDevice,
                senderPhone,
                message.GetOptionalJid("recipient"),
                message.GetOptionalJid("peer_recipient_pn"),
                participant?.ToString(),
                message.GetOptionalLong("t") is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : now,
                message.GetOptionalString("offline") is { Length: > 0 },
                message.GetOptionalString("category") == "peer",
                message.GetOptionalString("notify"),
                encs);
        }
        catch (Exception e) when (e is NodeAttributeException or JidFormatException)
        {
            throw new InboundStanzaException("a message with a malformed attribute: " + e.Message);
        }
    }
}

/// <summary>An arriving stanza the receive flow cannot read; it is nacked, logged once, and changes nothing.</summary>
public sealed class InboundStanzaException(string message) : Exception(message);
