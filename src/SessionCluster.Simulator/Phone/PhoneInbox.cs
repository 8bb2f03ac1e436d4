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

    public void Add(PhoneMessage message)
    {
        lock (_lock)
        {
            _messages.Add(message);
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
