using SessionCluster.Protocol.Polls;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Polls;

/// <summary>
/// A poll the session sent or received, with what its votes need (docs/PROTOCOL.md §9 "Locations, contacts and
/// polls", "A vote"): its chat, its creator (null: this session's own account, whose jids are known only once the
/// registration is open), the creator's other form (PN ↔ LID) when known, its messageSecret, its option names and
/// how many of them one voter may choose (0: any number).
/// </summary>
internal sealed record KnownPoll(
    string MessageId, string Chat, string? Creator, string? CreatorAlt, ReadOnlyMemory<byte> Secret, IReadOnlyList<string> Options, uint SelectableCount)
{
    /// <summary>
    /// The poll in <paramref name="message"/> (a pollCreationMessage, V2 or V3, looking through an ephemeral or view-once
    /// wrapper) with its 32-byte messageSecret; null when it is no poll or carries no usable secret (then no vote on it
    /// can be read, and the votes say <see cref="PollVoteReceivedBody.UnknownPoll"/>).
    /// </summary>
    public static KnownPoll? Of(string messageId, string chat, string? creator, string? creatorAlt, Message message)
    {
        var inner = message.EphemeralMessage?.Message ?? message.ViewOnceMessage?.Message ?? message.ViewOnceMessageV2?.Message ?? message;
        var poll = inner.PollCreationMessage ?? inner.PollCreationMessageV2 ?? inner.PollCreationMessageV3
            ?? message.PollCreationMessage ?? message.PollCreationMessageV2 ?? message.PollCreationMessageV3;
        var secret = message.MessageContextInfo?.MessageSecret is { Length: > 0 } outer ? outer : inner.MessageContextInfo?.MessageSecret;
        if (poll is null || secret is not { Length: PollVotes.SecretLength })
        {
            return null;
        }

        return new KnownPoll(messageId, chat, creator, creatorAlt, secret.ToByteArray(), [.. poll.Options.Select(o => o.OptionName)], poll.SelectableOptionsCount);
    }
}

/// <summary>
/// The polls a session knows, by message id, the most recent <see cref="Capacity"/> of them. Rebuilt on recovery from
/// the journal (the OutboundAccepted of our polls, the MessageReceived of theirs), so it holds no state of its own.
/// </summary>
internal sealed class PollIndex
{
    /// <summary>Votes come mostly in the hours after a poll; 4,096 polls (about 1 MB of options and secrets) cover a busy account's weeks.</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<string, KnownPoll> _polls = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count => _polls.Count;

    public void Remember(KnownPoll poll)
    {
        if (_polls.TryAdd(poll.MessageId, poll))
        {
            _order.Enqueue(poll.MessageId);
        }

        while (_order.Count > Capacity)
        {
            _polls.Remove(_order.Dequeue());
        }
    }

    public KnownPoll? Find(string messageId) => _polls.GetValueOrDefault(messageId);
}
