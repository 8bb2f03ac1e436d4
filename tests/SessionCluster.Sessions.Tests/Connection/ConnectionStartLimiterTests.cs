using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Connection;

public sealed class ConnectionStartLimiterTests
{
    [Fact]
    public void A_full_bucket_admits_the_burst_at_once_then_queues_each_start_one_interval_after_the_previous()
    {
        var clock = new ManualClock();
        var limiter = new ConnectionStartLimiter(perSecond: 10, burst: 3, clock);

        var waits = Enumerable.Range(0, 6).Select(_ => limiter.Reserve().TotalMilliseconds).ToArray();

        Assert.Equal([0, 0, 0, 100, 200, 300], waits.Select(w => Math.Round(w)).ToArray());
    }

    [Fact]
    public void The_bucket_refills_at_the_rate_up_to_the_burst()
    {
        var clock = new ManualClock();
        var limiter = new ConnectionStartLimiter(perSecond: 10, burst: 2, clock);
        limiter.Reserve();
        limiter.Reserve();

        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve());
        Assert.Equal(100, Math.Round(limiter.Reserve().TotalMilliseconds));

        // A long quiet time refills only up to the burst.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve());
        Assert.Equal(TimeSpan.Zero, limiter.Reserve());
        Assert.True(limiter.Reserve() > TimeSpan.Zero);
    }

    [Fact]
    public void Retuned_to_a_smaller_share_the_bucket_keeps_at_most_the_new_burst_and_queues_at_the_new_rate()
    {
        var clock = new ManualClock();
        var limiter = new ConnectionStartLimiter(perSecond: 30, burst: 30, clock);

        // A third node left: this node's share of a 60/s cluster cap grows from 20/s to 30/s; one joined: down to 15/s.
        limiter.Retune(perSecond: 15, burst: 2);
        Assert.Equal(15, limiter.PerSecond);

        var waits = Enumerable.Range(0, 4).Select(_ => Math.Round(limiter.Reserve().TotalMilliseconds)).ToArray();
        Assert.Equal([0, 0, 67, 133], waits);

        limiter.Retune(perSecond: 30, burst: 30);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve());
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.Retune(0, 1));
    }

    [Fact]
    public void Unlimited_never_waits_and_bad_settings_are_refused()
    {
        Assert.All(Enumerable.Range(0, 10_000), _ => Assert.Equal(TimeSpan.Zero, ConnectionStartLimiter.Unlimited.Reserve()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionStartLimiter(0, 1, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionStartLimiter(10, 0, TimeProvider.System));
    }
}
