using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// One device's undelivered stanzas (messages, receipts, notifications), in memory. A stanza stays queued until the
/// device acks it (<c>&lt;ack class id [type]&gt;</c>); each stanza is written at most once per connection, so a
/// connection that goes away without acking gets it again on its next login, marked <c>offline</c>.
/// </summary>
internal sealed class OfflineQueue
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Serialises writes to the device so the order on the wire is the queue's order.</summary>
    public SemaphoreSlim SendLock { get; } = new(1, 1);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public void Add(Node stanza)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(stanza, AckKey(stanza.Tag, stanza.GetOptionalString("id") ?? "", stanza.GetOptionalString("type"))));
        }
    }

    /// <summary>The queued stanzas not yet written on connection <paramref name="connectionId"/>, marking them written.</summary>
    public IReadOnlyList<(Node Stanza, bool Redelivery)> TakeUnsent(long connectionId)
    {
        lock (_lock)
        {
            var result = new List<(Node, bool)>();
            foreach (var entry in _entries.Where(e => e.SentOn != connectionId))
            {
                result.Add((entry.Stanza, entry.SentOn != 0));
                entry.SentOn = connectionId;
            }

            return result;
        }
    }

    /// <summary>Forgets that <paramref name="stanza"/> was written on <paramref name="connectionId"/> (the write failed).</summary>
    public void MarkUnsent(Node stanza, long connectionId)
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Where(e => ReferenceEquals(e.Stanza, stanza) && e.SentOn == connectionId))
            {
                entry.SentOn = 0;
            }
        }
    }

    /// <summary>Removes the oldest queued stanza the ack names; false when none matches.</summary>
    public bool Acknowledge(string ackClass, string id, string? type)
    {
        var key = AckKey(ackClass, id, type);
        lock (_lock)
        {
            var index = _entries.FindIndex(e => e.Key == key);
            if (index < 0)
            {
                return false;
            }

            _entries.RemoveAt(index);
            return true;
        }
    }

    /// <summary>Removes <paramref name="stanza"/> (delivered to the phone, whose completion counts as the ack).</summary>
    public void Remove(Node stanza)
    {
        lock (_lock)
        {
            _entries.RemoveAll(e => ReferenceEquals(e.Stanza, stanza));
        }
    }

    public IReadOnlyList<Node> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries.Select(e => e.Stanza)];
        }
    }

    /// <summary>
    /// What an ack must name: class (the stanza's tag), id, and for receipts and notifications the type (a delivery and
    /// a read receipt share the message id). Message acks are matched without type (WM omits it, BL copies it).
    /// </summary>
    private static string AckKey(string ackClass, string id, string? type) =>
        ackClass + "|" + id + "|" + (ackClass == "message" ? "" : type ?? "");

    private sealed class Entry(Node stanza, string key)
    {
        public Node Stanza { get; } = stanza;

        public string Key { get; } = key;

        /// <summary>The connection it was last written on; 0 = never.</summary>
        public long SentOn { get; set; }
    }
}
