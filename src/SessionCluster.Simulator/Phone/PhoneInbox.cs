namespace SessionCluster.Simulator.Phone;

/// <summary>
/// One message the phone received and decrypted. <see cref="Chat"/> is the conversation: the sender's user jid for a
/// 1:1 message, the group for a group message, and the destination for a <see cref="SentCopy"/> (a
/// <c>deviceSentMessage</c>: what one of the account's own companions sent, so the account is its author).
/// </summary>
/// <param name="Id">The stanza's message id.</param>
/// <param name="Chat">The conversation jid.</param>
/// <param name="Sender">The device that sent it (<c>participant</c> or <c>from</c>).</param>
/// <param name="Kind">What the message holds: <c>text</c>, <c>protocol</c>, <c>senderKeyDistribution</c> or <c>other</c>.</param>
/// <param name="Text">The text of a <c>conversation</c> or <c>extendedTextMessage</c>; null otherwise.</param>
/// <param name="Timestamp">The stanza's <c>t</c>, or when the phone got it when the stanza has none.</param>
/// <param name="SentCopy">True for a copy of a message the account's own companion sent.</param>
public sealed record PhoneMessage(string Id, string Chat, string Sender, string Kind, string? Text, DateTimeOffset Timestamp, bool SentCopy);

/// <summary>A receipt the phone got for a message it sent (<see cref="Type"/> is <c>delivery</c> when the stanza has none).</summary>
public sealed record PhoneReceipt(string Id, string From, string? Participant, string Type);

/// <summary>A chat state the phone was shown: who (<see cref="From"/>), <c>composing</c> or <c>paused</c>, and <c>audio</c> when recording.</summary>
public sealed record PhoneChatstate(string From, string State, string? Media, DateTimeOffset At);

/// <summary>Everything a phone received and decrypted, the receipts and the chat states it got, in arrival order. Thread-safe.</summary>
internal sealed class PhoneInbox
{
    private readonly Lock _lock = new();
    private readonly List<PhoneMessage> _messages = [];
    private readonly HashSet<(string Chat, string SenderUser, bool SentCopy, string Id)> _keys = [];
    private readonly List<PhoneReceipt> _receipts = [];
    private readonly List<PhoneChatstate> _chatstates = [];

    public void AddChatstate(PhoneChatstate chatstate)
    {
        lock (_lock)
        {
            _chatstates.Add(chatstate);
        }
    }

    public IReadOnlyList<PhoneChatstate> Chatstates()
    {
        lock (_lock)
        {
            return [.. _chatstates];
        }
    }

    public void AddReceipt(PhoneReceipt receipt)
    {
        lock (_lock)
        {
            _receipts.Add(receipt);
        }
    }

    public IReadOnlyList<PhoneReceipt> Receipts()
    {
        lock (_lock)
        {
            return [.. _receipts];
        }
    }

    /// <summary>
    /// Keeps <paramref name="message"/> unless the phone has it already: a phone keys messages by chat, author, direction
    /// and id, so a sender's second copy with the same id (Baileys, asked again by one device, sends again to every
    /// device) is receipted but not shown twice. False for such a copy.
    /// </summary>
    public bool TryAdd(PhoneMessage message)
    {
        var sender = message.Sender;
        var at = sender.IndexOf('@', StringComparison.Ordinal);
        var colon = sender.IndexOf(':', StringComparison.Ordinal);
        var senderUser = colon >= 0 && colon < at ? sender[..colon] + sender[at..] : sender;
        lock (_lock)
        {
            if (!_keys.Add((message.Chat, senderUser, message.SentCopy, message.Id)))
            {
                return false;
            }

            _messages.Add(message);
            return true;
        }
    }

    public IReadOnlyList<PhoneMessage> Snapshot()
    {
        lock (_lock)
        {
            return [.. _messages];
        }
    }
}
