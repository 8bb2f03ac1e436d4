namespace SessionCluster.Sessions;

/// <summary>
/// The node's sessions tell it here of each domain event once it is durable (after the journal write, never during
/// recovery), so that live consumers (event streams, webhook and store workers) learn of it without polling. It is a
/// signal, not a store: a consumer that was not listening reads what it missed from the session's journal by
/// sequence number, which is the only record. Subscribers run on the session's thread: they must only hand the event
/// on (a channel write), never block.
/// </summary>
public sealed class SessionEventFeed
{
    private Action<SessionEvent>[] _subscribers = [];

    /// <summary>Calls <paramref name="subscriber"/> with every event written from now on, until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<SessionEvent> subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        Update(current => [.. current, subscriber]);
        return new Subscription(this, subscriber);
    }

    /// <summary>Hands a durable event to every subscriber, in the order the session wrote them.</summary>
    internal void Publish(SessionEvent written)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber(written);
        }
    }

    private void Update(Func<Action<SessionEvent>[], Action<SessionEvent>[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _subscribers);
            if (Interlocked.CompareExchange(ref _subscribers, change(current), current) == current)
            {
                return;
            }
        }
    }

    private sealed class Subscription(SessionEventFeed feed, Action<SessionEvent> subscriber) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Update(current => current.Where(s => s != subscriber).ToArray());
            }
        }
    }
}
