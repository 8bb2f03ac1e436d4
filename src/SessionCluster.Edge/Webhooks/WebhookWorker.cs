using System.Data.Common;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using SessionCluster.Sessions.State;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The node's webhook delivery: one <see cref="WebhookLane"/> per (webhook, session in its scope), each following its
/// session from its cursor, so different sessions (and webhooks) deliver concurrently, bounded by
/// <see cref="WebhookOptions.MaxConcurrentDeliveries"/> POSTs in flight, while each pair stays strictly in order.
///
/// Why lanes and no queue table: the journal already holds every event durably and in order, so the outbox is the
/// journal and the only state is each pair's cursor. A crash loses nothing: on start every lane reads the journal from
/// its cursor. Lanes are started by a rescan (at start, every <see cref="WebhookOptions.RescanInterval"/>, and at once
/// when a route changes webhooks, sessions or replay requests) and by the first live event of a session new to a
/// tenant-wide webhook; a lane that fails (its database unreachable) is logged and started again by the next rescan.
/// Dead letters asked to be replayed are sent by one loop beside the lanes, apart from the live order (a replay is
/// an old event sent again on purpose).
/// In a cluster every node runs a worker, and each runs lanes (and replays) only for the sessions it hosts now
/// (<see cref="EdgeDependencies.Owns"/>): a session's lanes start where it starts and stop when it leaves, and the new
/// owner goes on from the cursors in the shared database (docs/CLUSTER.md "Webhooks and the store in a cluster").
/// </summary>
public sealed class WebhookWorker(EdgeDependencies deps, WebhookServices services, WebhookSender sender, ILogger<WebhookWorker> logger) : IAsyncDisposable
{
    private readonly Dictionary<(string Webhook, string Actor), (Task Task, CancellationTokenSource Stop)> _lanes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly WebhookDelivery _delivery = new(sender, services.Store, deps.Clock, logger, services.Metrics);
    private readonly CursorWriter _cursors = new(services.Store);
    private readonly WebhookKeys _keys = new(services.Secrets);
    private volatile IReadOnlyList<Webhook> _webhooks = [];
    private Task _run = Task.CompletedTask;

    /// <summary>How many lanes run now (for tests and the start-up log).</summary>
    public int LaneCount
    {
        get
        {
            lock (_lanes)
            {
                return _lanes.Values.Count(l => !l.Task.IsCompleted);
            }
        }
    }

    /// <summary>Logs that this node delivers no webhooks (<see cref="WebhookOptions.Enabled"/> false).</summary>
    public static void ReportDisabled(ILogger logger) => WebhookLog.Disabled(logger);

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        Task[] lanes;
        lock (_lanes)
        {
            lanes = [.. _lanes.Values.Select(l => l.Task)];
        }

        await Task.WhenAll(lanes).ConfigureAwait(false);
        await _cursors.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await deps.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            using var hosting = deps.Hosting?.WatchHosting(OnHostingChanged);
            var hub = WatchHubAsync(cancellationToken);
            var replays = ReplayLoopAsync(cancellationToken);
            var first = true;
            while (!cancellationToken.IsCancellationRequested)
            {
                await RescanAsync(cancellationToken).ConfigureAwait(false);
                if (first)
                {
                    WebhookLog.Started(logger, _webhooks.Count, LaneCount);
                    first = false;
                }

                await services.WaitForRescanAsync(services.Options.RescanInterval, cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(hub, replays).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The node stops.
        }
    }

    private async Task RescanAsync(CancellationToken cancellationToken)
    {
        try
        {
            var webhooks = await services.Store.AllAsync(cancellationToken).ConfigureAwait(false);
            var sessions = await deps.Directory.ListAllAsync(cancellationToken).ConfigureAwait(false);
            _keys.Refresh(webhooks);
            _webhooks = webhooks;
            var wanted = new HashSet<(string, string)>();
            foreach (var webhook in webhooks)
            {
                foreach (var session in sessions.Where(s => webhook.Covers(s) && deps.Owns(s)))
                {
                    wanted.Add((webhook.Id, session.ActorId.Value));
                    Ensure(webhook, session, restartFailed: true);
                }
            }

            lock (_lanes)
            {
                foreach (var (pair, lane) in _lanes.Where(l => !wanted.Contains(l.Key)).ToList())
                {
                    lane.Stop.Cancel();
                    _lanes.Remove(pair);
                }
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or InvalidDataException)
        {
            WebhookLog.RescanFailed(logger, e);
        }
    }

    /// <summary>
    /// Starts the pair's lane unless it runs. A lane that stopped on a failure is started again only by a rescan
    /// (<paramref name="restartFailed"/>), not by every live event of its session, so a lasting failure (a secret the
    /// node's key cannot open) is retried and logged once per rescan interval.
    /// </summary>
    private void Ensure(Webhook webhook, SessionEntry session, bool restartFailed)
    {
        var pair = (webhook.Id, session.ActorId.Value);
        lock (_lanes)
        {
            if (_stop.IsCancellationRequested || !deps.Owns(session) || (_lanes.TryGetValue(pair, out var known) && (!known.Task.IsCompleted || !restartFailed)))
            {
                return;
            }

            var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _lanes[pair] = (Task.Run(() => RunLaneAsync(webhook, session, stop)), stop);
        }
    }

    private async Task RunLaneAsync(Webhook webhook, SessionEntry session, CancellationTokenSource stop)
    {
        try
        {
            // Opened now so a secret the node's key cannot open fails the lane at its start (logged, retried by the next rescan).
            _keys.For(webhook);
            var lane = new WebhookLane(webhook, session, _keys, services.Store, _cursors, _delivery, deps.Follower, OwnNumberAsync, deps.Clock, services.Metrics);
            await lane.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The webhook or session was deleted, the session left this node, or the node stops.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Logged, not lost: the lane's cursor is in the database and the next rescan starts it again from there.
            WebhookLog.LaneFailed(logger, webhook.Id, session.ActorId.Value, e);
        }
    }

    /// <summary>
    /// A session started on this node (its lanes start, by a rescan now) or left it (its lanes stop at once, so the new
    /// owner's lanes overlap them as little as can be). Called on the session's thread: the work is handed to the pool.
    /// </summary>
    private void OnHostingChanged(SessionId session, bool hosted)
    {
        if (hosted)
        {
            services.Changed();
            return;
        }

        _ = Task.Run(() =>
        {
            lock (_lanes)
            {
                foreach (var (pair, lane) in _lanes.Where(l => l.Key.Actor == session.Value).ToList())
                {
                    lane.Stop.Cancel();
                    _lanes.Remove(pair);
                }
            }

            // A lane a live event started just before the release (it saw the session still hosted) goes at this rescan.
            services.Changed();
        });
    }

    /// <summary>Starts lanes for sessions whose live events reach a webhook before a rescan saw them (a session created just now).</summary>
    private async Task WatchHubAsync(CancellationToken cancellationToken)
    {
        var hub = deps.Hub ?? throw new InvalidOperationException("The edge was composed without an event hub.");
        while (!cancellationToken.IsCancellationRequested)
        {
            using var live = hub.Subscribe(e => deps.Owns(e.Session) && _webhooks.Any(w => w.Covers(e.Session)));
            try
            {
                await foreach (var e in live.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    foreach (var webhook in _webhooks.Where(w => w.Covers(e.Session)))
                    {
                        Ensure(webhook, e.Session, restartFailed: false);
                    }
                }
            }
            catch (SubscriberOverflowException)
            {
                WebhookLog.HubCutOff(logger);
                services.Changed();
            }
        }
    }

    private async Task ReplayLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await services.WaitForReplayAsync(services.Options.RescanInterval, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<DeadLetter> pending;
            try
            {
                pending = await services.Store.PendingReplaysAsync(100, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                WebhookLog.RescanFailed(logger, e);
                continue;
            }

            var handled = 0;
            foreach (var letter in pending)
            {
                try
                {
                    handled += await ReplayAsync(letter, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
                catch (Exception e) when (e is DbException or SecretsException or InvalidOperationException or FormatException)
                {
                    WebhookLog.ReplayFailed(logger, letter.Id, e);
                }
            }

            // More may wait; but a page all of other nodes' sessions is left to them rather than read again at once.
            if (pending.Count == 100 && handled > 0)
            {
                services.Changed();
            }
        }
    }

    /// <summary>Replays the letter if its session is this node's; false: another node's, left to it.</summary>
    private async Task<bool> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var webhook = _webhooks.FirstOrDefault(w => w.Id == letter.WebhookId);
        var session = await deps.Directory.FindByActorAsync(new SessionId(letter.SessionActor), cancellationToken).ConfigureAwait(false);
        if (session is not null && !deps.Owns(session))
        {
            return false;
        }

        var stored = await deps.Events.ReadAsync(new SessionId(letter.SessionActor), letter.Seq - 1, 1, cancellationToken).ConfigureAwait(false);
        if (webhook is null || session is null || stored.Count == 0 || stored[0].Sequence != letter.Seq)
        {
            // The webhook was deleted (its letters with it) or the worker has not loaded it yet: the next pass sees.
            return true;
        }

        var view = EventView.From(session.Id, stored[0]);
        var body = await WebhookBody.ForAsync(webhook, view, ct => OwnNumberAsync(session, ct), cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await services.Store.RemoveDeadLetterAsync(letter.Id, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (await _delivery.DeliverAsync(webhook, () => _keys.For(webhook), letter.SessionActor, view, body, cancellationToken).ConfigureAwait(false) == DeliveryOutcome.Acknowledged)
        {
            await services.Store.RemoveDeadLetterAsync(letter.Id, cancellationToken).ConfigureAwait(false);
            WebhookLog.Replayed(logger, webhook.Id, letter.Id, letter.SessionActor, letter.Seq);
        }

        return true;
    }

    /// <summary>
    /// The session's own number for Cloud envelopes (<c>metadata.display_phone_number</c>), or null before it is linked.
    /// A session that does not answer in time gives null (an empty number) rather than holding the delivery.
    /// </summary>
    private async Task<string?> OwnNumberAsync(SessionEntry session, CancellationToken cancellationToken)
    {
        try
        {
            return await deps.Sessions.AskAsync(new SessionCommands.GetStatus(session.ActorId), cancellationToken).ConfigureAwait(false) is SessionCommands.StatusReply
            {
                Status.DeviceJid: { } jid,
            }
                ? CloudEnvelope.UserOf(jid)
                : null;
        }
        catch (Akka.Actor.AskTimeoutException)
        {
            return null;
        }
    }
}
