using Akka.Actor;
using Akka.Coordination;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// An Akka.Coordination lease kept in PostgreSQL's <c>sc_leases</c> (docs/CLUSTER.md, "Leases and write fencing").
/// Akka.Cluster.Sharding takes one per shard when <c>use-lease</c> names <see cref="PostgresLeaseConfig.Path"/>.
/// <para>
/// Why it is safe: PostgreSQL alone decides who holds a row and when it expires (its clock), so two nodes never both
/// acquire it. The holder renews every heartbeat-interval and, measuring on its own monotonic clock from the start of
/// its last successful renewal, gives the lease up (CheckLease false, the lost callback once) safety-margin before the
/// row can expire: its shard has stopped its entities before another node can take over. What a stopped entity still
/// had in flight is refused by the write fence, the second line, which does not rely on any node's timing.
/// </para>
/// </summary>
public sealed class PostgresLease : Lease
{
    private readonly PostgresLeaseOptions _options;
    private readonly LeaseStore _store;
    private readonly LeaseHolder _holder;
    private readonly Microsoft.Extensions.Logging.ILogger _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _operations = new(1, 1);
    private readonly Lock _gate = new();
    private Holding? _holding;

    /// <summary>The constructor Akka's LeaseProvider calls, with the settings of <see cref="PostgresLeaseConfig.Path"/>.</summary>
    public PostgresLease(LeaseSettings settings, ExtendedActorSystem system)
        : this(settings, new AkkaLogger(Logging.GetLogger(system, typeof(PostgresLease))), TimeProvider.System)
    {
    }

    internal PostgresLease(LeaseSettings settings, Microsoft.Extensions.Logging.ILogger log, TimeProvider time)
        : base(settings)
    {
        _options = PostgresLeaseOptions.From(settings);
        _holder = LeaseHolder.Of(settings.OwnerName, _options.Incarnation);
        _store = new LeaseStore(_options.ConnectionString, settings.LeaseName, _holder, _options.HeartbeatTimeout);
        _log = log;
        _time = time;
    }

    /// <summary>The epoch of the current holding, or null when this lease is not held (for diagnostics and tests).</summary>
    public long? Epoch
    {
        get
        {
            lock (_gate)
            {
                return _holding is { Lost: false } holding && holding.Remaining(_time, _options.GiveUpAfter) > TimeSpan.Zero ? holding.Epoch : null;
            }
        }
    }

    /// <inheritdoc />
    public override Task<bool> Acquire() => AcquireAsync(static _ => { });

    /// <summary>
    /// Takes the lease if it is free, expired or ours, and renews it until released or lost; <paramref name="leaseLostCallback"/>
    /// is called once if it is lost. Faults with <see cref="LeaseFailureException"/> when PostgreSQL fails or does not
    /// answer within lease-operation-timeout (Akka's Shard retries after its lease-retry-interval).
    /// </summary>
    public override Task<bool> Acquire(Action<Exception> leaseLostCallback) => AcquireAsync(leaseLostCallback);

    /// <summary>
    /// Expires our holding at once; true when the lease is no longer ours afterwards (also when it was not held).
    /// Faults with <see cref="LeaseFailureException"/> when PostgreSQL fails; the row then expires by its TTL.
    /// </summary>
    /// <remarks>
    /// Runs on the calling thread and returns a completed task. Akka's Shard blocks its thread on this call in PostStop
    /// (Akka.NET 1.5.31+): a node handing 50 shards off blocks 50 pool threads at once, and an asynchronous release
    /// would wait for a free pool thread to finish its own I/O. That starved the pool for 9-13 s in the cluster
    /// benchmark (the whole node stalled, heartbeats included, and the releases timed out, so the new node waited
    /// for the TTL). Done here with Npgsql's synchronous calls, each blocked thread finishes its own release.
    /// </remarks>
    public override Task<bool> Release()
    {
        try
        {
            return Task.FromResult(ReleaseOnThisThread());
        }
        catch (LeaseFailureException e)
        {
            return Task.FromException<bool>(e);
        }
    }

    /// <summary>Whether the lease is held and a renewal succeeded within heartbeat-timeout − safety-margin.</summary>
    public override bool CheckLease() => Epoch is not null;

    private async Task<bool> AcquireAsync(Action<Exception> leaseLostCallback)
    {
        ArgumentNullException.ThrowIfNull(leaseLostCallback);
        await _operations.WaitAsync().ConfigureAwait(false);
        try
        {
            // A second Acquire replaces the holding (same epoch when still live) and its callback.
            Stop(TakeHolding());
            var started = _time.GetTimestamp();
            var epoch = await WithinOperationTimeoutAsync(token => _store.AcquireAsync(token), "acquire").ConfigureAwait(false);
            if (epoch is not { } held)
            {
                LeaseLog.NotAcquired(_log, Settings.LeaseName, _holder.Owner);
                return false;
            }

            var holding = new Holding(held, started, leaseLostCallback);
            lock (_gate)
            {
                _holding = holding;
            }

            LeaseLog.Acquired(_log, Settings.LeaseName, _holder.Owner, held);
            _ = RenewUntilStoppedAsync(holding);
            return true;
        }
        finally
        {
            _operations.Release();
        }
    }

    private bool ReleaseOnThisThread()
    {
        // Waits behind an acquire in flight (itself bounded by the operation timeout), never longer.
        if (!_operations.Wait(_options.OperationTimeout))
        {
            throw new LeaseFailureException(LeaseFailure.OperationTimedOut,
                $"lease {Settings.LeaseName}: release waited {_options.OperationTimeout.TotalMilliseconds} ms behind another operation.");
        }

        try
        {
            var holding = TakeHolding();
            if (holding is null)
            {
                return true;
            }

            Stop(holding);
            var wasLive = _store.Release(holding.Epoch, _options.OperationTimeout);
            LeaseLog.Released(_log, Settings.LeaseName, holding.Epoch, wasLive);
            return true;
        }
        finally
        {
            _operations.Release();
        }
    }

    private async Task RenewUntilStoppedAsync(Holding holding)
    {
        var stop = holding.Stopping.Token;
        try
        {
            while (true)
            {
                var remaining = Remaining(holding);
                if (remaining <= TimeSpan.Zero)
                {
                    await GiveUpAsync(holding, new LeaseFailureException(LeaseFailure.RenewalOverdue,
                        $"lease {Settings.LeaseName}: no renewal succeeded for {_options.GiveUpAfter.TotalMilliseconds} ms; given up before its TTL ends.")).ConfigureAwait(false);
                    return;
                }

                await Task.Delay(Min(_options.HeartbeatInterval, remaining), _time, stop).ConfigureAwait(false);
                remaining = Remaining(holding);
                if (remaining <= TimeSpan.Zero)
                {
                    continue;
                }

                var started = _time.GetTimestamp();
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
                limit.CancelAfter(Min(_options.OperationTimeout, remaining));
                bool renewed;
                try
                {
                    renewed = await Bounded(_store.RenewAsync(holding.Epoch, limit.Token), limit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!stop.IsCancellationRequested)
                {
                    LeaseLog.RenewFailed(_log, e, Settings.LeaseName, holding.Epoch, (long)Remaining(holding).TotalMilliseconds);
                    continue;
                }
                catch (LeaseFailureException e)
                {
                    LeaseLog.RenewFailed(_log, e, Settings.LeaseName, holding.Epoch, (long)Remaining(holding).TotalMilliseconds);
                    continue;
                }

                if (!renewed)
                {
                    await GiveUpAsync(holding, new LeaseFailureException(LeaseFailure.TakenOver,
                        $"lease {Settings.LeaseName}: the row at epoch {holding.Epoch} is no longer ours.")).ConfigureAwait(false);
                    return;
                }

                lock (_gate)
                {
                    holding.ConfirmedAt = Math.Max(holding.ConfirmedAt, started);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Released or replaced: the holding ends without a loss.
        }
        catch (Exception e)
        {
            // Renewal can no longer be trusted: a holding nobody renews must be reported lost, not left to lapse quietly.
            await GiveUpAsync(holding, e).ConfigureAwait(false);
        }
    }

    /// <summary>Marks <paramref name="holding"/> lost, calls its callback exactly once, and expires the row if still ours.</summary>
    private async Task GiveUpAsync(Holding holding, Exception reason)
    {
        lock (_gate)
        {
            if (holding.Lost)
            {
                return;
            }

            holding.Lost = true;
            if (ReferenceEquals(_holding, holding))
            {
                _holding = null;
            }
        }

        LeaseLog.Lost(_log, reason, Settings.LeaseName, holding.Epoch, reason is LeaseFailureException typed ? typed.Failure.ToString() : reason.GetType().Name);
        holding.LostCallback(reason);
        if (reason is LeaseFailureException { Failure: LeaseFailure.TakenOver })
        {
            return;
        }

        // Expiring it now lets another node take over at once instead of after the TTL; the fence refuses our stragglers.
        try
        {
            await WithinOperationTimeoutAsync(token => _store.ReleaseAsync(holding.Epoch, token), "release").ConfigureAwait(false);
        }
        catch (LeaseFailureException e)
        {
            LeaseLog.GiveUpReleaseFailed(_log, e, Settings.LeaseName, holding.Epoch);
        }
    }

    private async Task<T> WithinOperationTimeoutAsync<T>(Func<CancellationToken, Task<T>> operation, string what)
    {
        using var timeout = new CancellationTokenSource(_options.OperationTimeout, _time);
        try
        {
            return await Bounded(operation(timeout.Token), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
        {
            throw new LeaseFailureException(LeaseFailure.OperationTimedOut,
                $"lease {Settings.LeaseName}: {what} did not finish within {_options.OperationTimeout.TotalMilliseconds} ms.", e);
        }
    }

    /// <summary>
    /// Ends the wait at <paramref name="token"/> even if the driver's own cancellation is slow (an unreachable server):
    /// the lease's timing must not depend on it. The abandoned operation's eventual failure is observed, not rethrown.
    /// </summary>
    private static Task<T> Bounded<T>(Task<T> operation, CancellationToken token)
    {
        _ = operation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return operation.WaitAsync(token);
    }

    private Holding? TakeHolding()
    {
        lock (_gate)
        {
            var holding = _holding;
            _holding = null;
            if (holding is not null)
            {
                // Released or replaced on purpose: no lost callback from now on.
                holding.Lost = true;
            }

            return holding;
        }
    }

    private static void Stop(Holding? holding)
    {
        if (holding is not null)
        {
            // Not disposed: the renew loop may still be reading its token as it unwinds.
            holding.Stopping.Cancel();
        }
    }

    private TimeSpan Remaining(Holding holding)
    {
        lock (_gate)
        {
            return holding.Remaining(_time, _options.GiveUpAfter);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One holding of the lease, from a successful acquire to its release or loss; mutable under <c>_gate</c>.</summary>
    private sealed class Holding(long epoch, long confirmedAt, Action<Exception> lostCallback)
    {
        public long Epoch { get; } = epoch;

        public Action<Exception> LostCallback { get; } = lostCallback;

        public CancellationTokenSource Stopping { get; } = new();

        /// <summary>The monotonic timestamp at which the last successful acquire or renewal was sent.</summary>
        public long ConfirmedAt { get; set; } = confirmedAt;

        public bool Lost { get; set; }

        public TimeSpan Remaining(TimeProvider time, TimeSpan giveUpAfter) => giveUpAfter - time.GetElapsedTime(ConfirmedAt);
    }
}
