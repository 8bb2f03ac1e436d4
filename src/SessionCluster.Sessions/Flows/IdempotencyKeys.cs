namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The <c>Idempotency-Key</c>s of the session's recent sends, each with the message id it was answered with, for a
/// client that sends again after a lost answer (docs/API.md). A key is kept for <see cref="DefaultWindow"/> from its
/// send's acceptance and among the last <see cref="DefaultCapacity"/> sends, whichever ends first: without a bound a
/// busy session's keys grew with every send for its whole life. Rebuilt on recovery from the OutboundAccepted events
/// with their accepted times, so a restart forgets the same keys a running session would.
/// </summary>
internal sealed class IdempotencyKeys(TimeSpan window, int capacity)
{
    /// <summary>24 hours: a retry after a lost answer comes within minutes; a day covers a client down overnight.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// 1,000 sends: about 150 KB per session at most (the soak's live heap showed per-session state counts at thousands
    /// of sessions); a retry after a lost answer comes within the next few sends, and a session sending more than about
    /// 1,000 a day forgets sooner than a day.
    /// </summary>
    public const int DefaultCapacity = 1_000;

    private readonly Dictionary<string, string> _messageIds = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset AcceptedAt)> _order = new();

    public int Count => _messageIds.Count;

    /// <summary>The message id a still-remembered <paramref name="key"/> was answered with, else null.</summary>
    public string? Find(string key, DateTimeOffset now)
    {
        Forget(now);
        return _messageIds.GetValueOrDefault(key);
    }

    /// <summary>Remembers the key of a send accepted at <paramref name="acceptedAt"/>, forgetting what is out of the bounds.</summary>
    public void Add(string key, string messageId, DateTimeOffset acceptedAt, DateTimeOffset now)
    {
        if (_messageIds.TryAdd(key, messageId))
        {
            _order.Enqueue((key, acceptedAt));
        }

        Forget(now);
    }

    private void Forget(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && (_order.Count > capacity || oldest.AcceptedAt <= now - window))
        {
            _messageIds.Remove(_order.Dequeue().Key);
        }
    }
}
