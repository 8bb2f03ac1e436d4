using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The token bucket behind the sendRate setting, on a fixed clock.</summary>
public sealed class SendPacingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_bucket_lets_the_burst_go_at_once_then_makes_each_next_send_wait_one_interval()
    {
        var rate = new SendRate(PerSecond: 2, Burst: 3);
        var bucket = SendBucket.Full(rate, T0);

        for (var i = 0; i < 3; i++)
        {
            (bucket, var wait) = bucket.Take(rate, T0);
            Assert.Equal(TimeSpan.Zero, wait);
        }

        var (empty, next) = bucket.Take(rate, T0);
        Assert.Equal(TimeSpan.FromMilliseconds(500), next);

        // After the wait a token is there, and only one.
        (bucket, var afterWait) = empty.Take(rate, T0 + next);
        Assert.Equal(TimeSpan.Zero, afterWait);
        Assert.True(bucket.Take(rate, T0 + next).Wait > TimeSpan.Zero);
    }

    [Fact]
    public void An_idle_bucket_refills_to_its_burst_and_no_further()
    {
        var rate = new SendRate(PerSecond: 1, Burst: 2);
        var bucket = new SendBucket(0, T0);

        var later = T0 + TimeSpan.FromHours(1);
        (bucket, var first) = bucket.Take(rate, later);
        (bucket, var second) = bucket.Take(rate, later);
        var (_, third) = bucket.Take(rate, later);

        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (first, second));
        Assert.Equal(TimeSpan.FromSeconds(1), third);
    }

    [Fact]
    public void A_wait_does_not_take_a_token_and_a_lower_burst_caps_what_was_saved_up()
    {
        var rate = new SendRate(PerSecond: 0.5, Burst: 1);
        var bucket = new SendBucket(0.5, T0);

        var (unchanged, wait) = bucket.Take(rate, T0);
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.Equal(0.5, unchanged.Tokens);

        var saved = new SendBucket(50, T0);
        var (capped, _) = saved.Take(new SendRate(1, 5), T0);
        Assert.Equal(4, capped.Tokens);
    }
}
