using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Events;

/// <summary>A session's event with the session as its tenant knows it.</summary>
public sealed record TenantEvent(SessionEntry Session, SessionEvent Event);

/// <summary>
/// Fans the node's <see cref="SessionEventFeed"/> out to live subscribers (streams, webhook and store workers), each
/// event tagged with its session's tenant and name. One pump keeps each session's order. A subscriber reads from a
/// bounded channel; one that falls <see cref="Subscription.Capacity"/> events behind is cut off (its reader completes
/// with <see cref="SubscriberOverflowException"/>) rather than slowing the node: it resumes from the journal by
/// sequence number, which <see cref="EventFollower"/> does by itself. Events of sessions the directory does not know
/// (made outside the edge) are not fanned out.
/// </summary>
public sealed partial class EventHub : IAsyncDisposable
{
    private readonly Channel<SessionEvent> _inbox = Channel.CreateUnbounded<SessionEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SessionDirectory _directory;
    private readonly ILogger _logger;
    private readonly IDisposable _feedSubscription;
    private readonly Task _pump;
    private Subscription[] _subscribers = [];

    public EventHub(SessionEventFeed feed, SessionDirectory directory, ILogger<EventHub> logger)
    {
        _directory = directory;
        _logger = logger;
        // The feed calls this on the session's thread: a write to an unbounded channel, nothing more.
        _feedSubscription = feed.Subscribe(e => _inbox.Writer.TryWrite(e));
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Every event from now on that <paramref name="filter"/> accepts, until disposed.</summary>
    public Subscription Subscribe(Func<TenantEvent, bool> filter, int capacity = Subscription.DefaultCapacity)
    {
        var subscription = new Subscription(this, filter, capacity);
        lock (_inbox)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_inbox)
        {
            _subscribers = _subscribers.Where(s => s != subscription).ToArray();
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var written in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            SessionEntry? entry;
            try
            {
                entry = await _directory.FindByActorAsync(written.SessionId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                // Live subscribers miss this one event; each resumes from the journal, where it is.
                LogDirectoryUnreadable(_logger, written.SessionId.Value, written.Sequence, e);
                continue;
            }

            if (entry is null)
            {
                continue;
            }

            var tagged = new TenantEvent(entry, written);
            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                subscriber.Offer(tagged);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _feedSubscription.Dispose();
        _inbox.Writer.TryComplete();
        await _pump.ConfigureAwait(false);

        // Subscribers' readers end (no more live events will come); their followers stop.
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Dispose();
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning,
        Message = "The live event of session {ActorId} seq {Seq} was not fanned out: the session directory could not be read (subscribers resume from the journal)")]
    private static partial void LogDirectoryUnreadable(ILogger logger, string actorId, long seq, Exception exception);

    /// <summary>One subscriber's queue of live events.</summary>
    public sealed class Subscription : IDisposable
    {
        /// <summary>Default 4,096 events behind before a subscriber is cut off: seconds of a busy tenant, little memory.</summary>
        public const int DefaultCapacity = 4096;

        private readonly EventHub _hub;
        private readonly Func<TenantEvent, bool> _filter;
        private readonly Channel<TenantEvent> _queue;

        internal Subscription(EventHub hub, Func<TenantEvent, bool> filter, int capacity)
        {
            _hub = hub;
            _filter = filter;
            _queue = Channel.CreateBounded<TenantEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        }

        public ChannelReader<TenantEvent> Reader => _queue.Reader;

        internal void Offer(TenantEvent e)
        {
            if (_filter(e) && !_queue.Writer.TryWrite(e))
            {
                _queue.Writer.TryComplete(new SubscriberOverflowException());
                _hub.Remove(this);
            }
        }

        public void Dispose()
        {
            _hub.Remove(this);
            _queue.Writer.TryComplete();
        }
    }
}

/// <summary>A live subscriber fell too far behind and was cut off; it resumes from the journal by sequence number.</summary>
public sealed class SubscriberOverflowException() : Exception("The subscriber fell too far behind the live events and was cut off; resume from the last sequence number read.");
