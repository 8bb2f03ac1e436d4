using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// Builds the chats and messages store from every session's events, exactly once.
/// <para>
/// Why it is shaped this way: <see cref="EventFollower"/> gives each stream its sessions' events with no gap and no
/// duplicate, keyed by the tenant's session names, which are unique within a tenant only. So the projector runs one
/// follower per tenant (started when the node starts for every tenant with sessions, and when a hub event of a tenant
/// without one shows up), each caught up from the cursors stored in <c>store_cursors</c>. All followers feed one
/// bounded channel; one writer drains it in batches of up to <see cref="BatchSize"/> events, one transaction each,
/// with the cursors moved in the same transaction (<see cref="ChatProjection"/>), so a crash between a read and a
/// commit re-reads the events and nothing is applied twice. A batch that fails to commit (the database away) is
/// retried as is; events are never dropped. A deleted session's follower is restarted without it (its name may be
/// used again) and its tombstone cursor keeps late events out.
/// </para>
/// <para>
/// In a cluster every node runs a projector, and each follows only the sessions it hosts now
/// (<see cref="EdgeDependencies.Owns"/>): when sessions arrive or leave, their tenants' followers start again with the
/// node's sessions of the moment, after <see cref="RefollowDelay"/> so a node start's many arrivals make one restart
/// per tenant. Until then the old owner may still project a session the new one projects too; the cursor check in
/// <see cref="ChatProjection"/> keeps that exactly once (docs/CLUSTER.md "Webhooks and the store in a cluster").
/// </para>
/// </summary>
public sealed partial class ChatProjector : IAsyncDisposable
{
    /// <summary>At most 500 events per transaction: thousands of inbound messages per second in a few commits, each short.</summary>
    public const int BatchSize = 500;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a tenant's restart waits for more sessions to arrive or leave (a node start brings hundreds at once).</summary>
    private static readonly TimeSpan RefollowDelay = TimeSpan.FromMilliseconds(500);

    private readonly EdgeDependencies _deps;
    private readonly ChatStore _store;
    private readonly ILogger _logger;
    private readonly Channel<TenantEvent> _events = Channel.CreateBounded<TenantEvent>(new BoundedChannelOptions(BatchSize * 4) { SingleReader = true });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _refollowing = new(StringComparer.Ordinal);
    private IDisposable? _hosting;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public ChatProjector(EdgeDependencies deps, ChatStore store, ILogger<ChatProjector> logger)
    {
        _deps = deps;
        _store = store;
        _logger = logger;
    }

    /// <summary>Starts the writer and the tenant discovery (once; the node calls it when it has started).</summary>
    public void Start()
    {
        lock (_loops)
        {
            if (_loops.Count == 0)
            {
                _hosting = _deps.Hosting?.WatchHosting((session, _) => Task.Run(() => RefollowAsync(session, _stop.Token)));
                _loops.Add(Task.Run(() => WriteAsync(_stop.Token)));
                _loops.Add(Task.Run(() => DiscoverAsync(_stop.Token)));
            }
        }
    }

    /// <summary>After a session is deleted: its rows go, and its tenant's follower starts again without it.</summary>
    public async Task SessionDeletedAsync(SessionEntry entry, CancellationToken cancellationToken)
    {
        await _store.DeleteSessionAsync(entry.ActorId, cancellationToken).ConfigureAwait(false);
        if (_tenants.TryRemove(entry.TenantId, out var follower))
        {
            await follower.CancelAsync().ConfigureAwait(false);
            follower.Dispose();
            FollowTenant(entry.TenantId);
        }
    }

    private static bool Stored(TenantEvent e) => e.Event.Body is MessageReceivedBody or MessageStatusBody or HistorySyncBody or ChatSettingChangedBody or PollVoteReceivedBody;

    private async Task DiscoverAsync(CancellationToken ct)
    {
        await _deps.Ready.WaitAsync(ct).ConfigureAwait(false);
        var hub = _deps.Hub ?? throw new InvalidOperationException("The chats store needs the event hub.");
        while (!ct.IsCancellationRequested)
        {
            using var unknown = hub.Subscribe(e => !_tenants.ContainsKey(e.Session.TenantId));
            try
            {
                // Subscribed first, then listed: a tenant whose first session comes in between is seen by one or the other.
                foreach (var tenant in (await _deps.Directory.ListAllAsync(ct).ConfigureAwait(false)).Select(s => s.TenantId).Distinct())
                {
                    FollowTenant(tenant);
                }

                await foreach (var e in unknown.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    FollowTenant(e.Session.TenantId);
                }
            }
            catch (SubscriberOverflowException)
            {
                // Cut off for being slow: subscribe and list again.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDiscoveryFailed(_logger, e);
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            }
        }
    }

    private void FollowTenant(string tenantId)
    {
        var follower = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        if (!_tenants.TryAdd(tenantId, follower))
        {
            follower.Dispose();
            return;
        }

        _ = Task.Run(() => FollowAsync(tenantId, follower.Token));
    }

    private async Task FollowAsync(string tenantId, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var sessions = (await TenantSessionsAsync(tenantId, ct).ConfigureAwait(false)).Where(_deps.Owns).ToList();
                var cursors = await _store.CursorsAsync(sessions.Select(s => s.ActorId), ct).ConfigureAwait(false);
                var after = sessions.ToDictionary(s => s.Id, s => cursors.GetValueOrDefault(s.ActorId.Value), StringComparer.Ordinal);
                await foreach (var e in _deps.Follower.FollowAsync(sessions, e => e.Session.TenantId == tenantId && _deps.Owns(e.Session), Stored, after, ct).ConfigureAwait(false))
                {
                    await _events.Writer.WriteAsync(e, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFollowFailed(_logger, tenantId, e);
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A session arrived on this node or left it: its tenant's follower starts again with the node's sessions of then.</summary>
    private async Task RefollowAsync(SessionId session, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                try
                {
                    var entry = await _deps.Directory.FindByActorAsync(session, ct).ConfigureAwait(false);
                    if (entry is null || !_refollowing.TryAdd(entry.TenantId, 0))
                    {
                        // Not the edge's session, or its tenant's restart is already due (it will see this change).
                        return;
                    }

                    await Task.Delay(RefollowDelay, ct).ConfigureAwait(false);
                    _refollowing.TryRemove(entry.TenantId, out _);
                    if (_tenants.TryRemove(entry.TenantId, out var follower))
                    {
                        await follower.CancelAsync().ConfigureAwait(false);
                        follower.Dispose();
                    }

                    FollowTenant(entry.TenantId);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRefollowFailed(_logger, session.Value, e);
                    await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node stops.
        }
    }

    private async Task<List<SessionEntry>> TenantSessionsAsync(string tenantId, CancellationToken ct)
    {
        const int Page = 1000;
        var sessions = new List<SessionEntry>();
        while (true)
        {
            var page = await _deps.Directory.ListAsync(tenantId, sessions.Count == 0 ? null : sessions[^1].Id, Page, ct).ConfigureAwait(false);
            sessions.AddRange(page);
            if (page.Count < Page)
            {
                return sessions;
            }
        }
    }

    private async Task WriteAsync(CancellationToken ct)
    {
        var batch = new List<TenantEvent>(BatchSize);
        while (await _events.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < BatchSize && _events.Reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            while (true)
            {
                try
                {
                    var retention = new Dictionary<string, int?>(StringComparer.Ordinal);
                    foreach (var tenant in batch.Select(e => e.Session.TenantId).Distinct())
                    {
                        retention[tenant] = (await _deps.Tenants.FindAsync(tenant, ct).ConfigureAwait(false))?.RetentionDays;
                    }

                    await ChatProjection.ApplyAsync(_deps.Database, batch, tenant => retention.GetValueOrDefault(tenant), ct).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogBatchFailed(_logger, batch.Count, e);
                    await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _hosting?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }

        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        foreach (var follower in _tenants.Values)
        {
            follower.Dispose();
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 7400, Level = LogLevel.Error, Message = "The chats store could not follow tenant {TenantId}'s events; it tries again from its stored cursors")]
    private static partial void LogFollowFailed(ILogger logger, string tenantId, Exception exception);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Error, Message = "The chats store could not write a batch of {Count} events; it tries the same batch again")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Error, Message = "The chats store could not list the sessions to follow; it tries again")]
    private static partial void LogDiscoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Error, Message = "The chats store could not look up session {ActorId}, which arrived on this node or left it; it tries again")]
    private static partial void LogRefollowFailed(ILogger logger, string actorId, Exception exception);
}
