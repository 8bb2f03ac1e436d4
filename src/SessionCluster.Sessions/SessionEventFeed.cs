using System.Collections.Concurrent;

namespace SessionCluster.Sessions;

/// <summary>
/// The node's sessions tell it here of each domain event once it is durable (after the journal write, never during
/// recovery), so that live consumers (event streams, webhook and store workers) learn of it without polling. It is a
/// signal, not a store: a consumer that was not listening reads what it missed from the session's journal by
/// sequence number, which is the only record. Subscribers run on the session's thread: they must only hand the event
/// on (a channel write), never block.
/// <para>
/// It also knows which sessions this node hosts now (a session is hosted from its actor's start to its stop), so that
/// work one node must do per session (webhook delivery, the chats store) runs on the session's owner only and moves
/// with it (docs/CLUSTER.md "Webhooks and the store in a cluster").
/// </para>
/// </summary>
public sealed class SessionEventFeed
{
    private readonly ConcurrentDictionary<SessionId, int> _hosted = new();
    private Action<SessionEvent>[] _subscribers = [];
    private Action<SessionId, bool>[] _hostingWatchers = [];

    /// <summary>Calls <paramref name="subscriber"/> with every event written from now on, until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<SessionEvent> subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        Update(ref _subscribers, current => [.. current, subscriber]);
        return new Subscription(() => Update(ref _subscribers, current => current.Where(s => s != subscriber).ToArray()));
    }

    /// <summary>Whether a session actor of <paramref name="sessionId"/> runs on this node now.</summary>
    public bool IsHosted(SessionId sessionId) => _hosted.TryGetValue(sessionId, out var count) && count > 0;

    /// <summary>How many sessions run on this node now.</summary>
    public int HostedCount => _hosted.Count;

    /// <summary>
    /// Calls <paramref name="changed"/> with (session, true) when a session starts on this node and (session, false)
    /// when it stops here (passivated, handed off to another node, deleted, or the node stopping), until disposed. It
    /// runs on the session's thread: hand the change on, never block.
    /// </summary>
    public IDisposable WatchHosting(Action<SessionId, bool> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        Update(ref _hostingWatchers, current => [.. current, changed]);
        return new Subscription(() => Update(ref _hostingWatchers, current => current.Where(s => s != changed).ToArray()));
    }

    /// <summary>Hands a durable event to every subscriber, in the order the session wrote them.</summary>
    internal void Publish(SessionEvent written)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber(written);
        }
    }

    /// <summary>The session's actor started on this node (its PreStart).</summary>
    internal void Hosted(SessionId sessionId)
    {
        // Counted, not a set: a restart runs PostStop then PreStart, and a test may run two systems on one feed.
        if (_hosted.AddOrUpdate(sessionId, 1, (_, count) => count + 1) == 1)
        {
            Notify(sessionId, true);
        }
    }

    /// <summary>The session's actor stopped on this node (its PostStop).</summary>
    internal void Released(SessionId sessionId)
    {
        var left = _hosted.AddOrUpdate(sessionId, 0, (_, count) => Math.Max(0, count - 1));
        if (left == 0)
        {
            _hosted.TryRemove(KeyValuePair.Create(sessionId, 0));
            Notify(sessionId, false);
        }
    }

    private void Notify(SessionId sessionId, bool hosted)
    {
        foreach (var watcher in Volatile.Read(ref _hostingWatchers))
        {
            watcher(sessionId, hosted);
        }
    }

    private static void Update<T>(ref T[] field, Func<T[], T[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref field);
            if (Interlocked.CompareExchange(ref field, change(current), current) == current)
            {
                return;
            }
        }
    }

    private sealed class Subscription(Action remove) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                remove();
            }
        }
    }
}
