using System.Collections.Concurrent;

namespace SessionCluster.Edge.Tenants;

/// <summary>
/// Each tenant's <see cref="Tenant.MessagesPerSecond"/> quota as a token bucket per node (burst: one second's worth),
/// checked before a send reaches its session. A tenant's quota is read from its row at most every
/// <see cref="Refresh"/>, so a change by the admin applies within that on every node. Per-session pacing (so that a
/// number is not banned for bursts) is the session's own setting, applied where it writes to the wire.
/// </summary>
public sealed class TenantSendRates(Func<string, CancellationToken, Task<Tenant?>> findTenant, TimeProvider clock)
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Null when the send may go now (a token was taken), else how long until a token is free.</summary>
    public async ValueTask<TimeSpan?> TryTakeAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var bucket = _buckets.GetOrAdd(tenantId, _ => new Bucket());
        if (bucket.CheckedAt + Refresh <= now)
        {
            var tenant = await findTenant(tenantId, cancellationToken).ConfigureAwait(false);
            bucket.SetRate(tenant?.MessagesPerSecond, now);
        }

        return bucket.TryTake(now);
    }

    /// <summary>Applies a changed quota on this node at once (the admin's own update).</summary>
    public void Forget(string tenantId) => _buckets.TryRemove(tenantId, out _);

    private sealed class Bucket
    {
        private readonly Lock _lock = new();
        private double _tokens;
        private int? _rate;
        private DateTimeOffset _filledAt;

        public DateTimeOffset CheckedAt { get; private set; } = DateTimeOffset.MinValue;

        public void SetRate(int? rate, DateTimeOffset now)
        {
            lock (_lock)
            {
                if (_rate != rate)
                {
                    _rate = rate;
                    _tokens = rate ?? 0;
                    _filledAt = now;
                }

                CheckedAt = now;
            }
        }

        public TimeSpan? TryTake(DateTimeOffset now)
        {
            lock (_lock)
            {
                if (_rate is not { } rate)
                {
                    return null;
                }

                _tokens = Math.Min(rate, _tokens + (now - _filledAt).TotalSeconds * rate);
                _filledAt = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return null;
                }

                return TimeSpan.FromSeconds((1 - _tokens) / rate);
            }
        }
    }
}
