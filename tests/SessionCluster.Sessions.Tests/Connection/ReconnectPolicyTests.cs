using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Connection;

public sealed class ReconnectPolicyTests
{
    private static readonly ReconnectSettings Settings = new()
    {
        Base = TimeSpan.FromSeconds(1),
        Cap = TimeSpan.FromSeconds(30),
        StableAfter = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public void The_ceiling_doubles_from_the_base_and_stops_at_the_cap()
    {
        var policy = new ReconnectPolicy(Settings, new Random(1));

        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(0, 7).Select(a => policy.Ceiling(a).TotalSeconds).ToArray());
        Assert.Equal(Settings.Cap, policy.Ceiling(int.MaxValue));
    }

    [Fact]
    public void Every_delay_lies_between_zero_and_its_attempts_ceiling_and_the_jitter_is_spread()
    {
        var policy = new ReconnectPolicy(Settings, new Random(42));
        var delays = new List<TimeSpan>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var ceiling = policy.Ceiling(policy.Attempt);
            var delay = policy.NextDelay();
            Assert.InRange(delay, TimeSpan.Zero, ceiling);
            delays.Add(delay);
        }

        // Full jitter: once capped, delays spread over the whole range rather than sitting at the cap.
        var capped = delays.Skip(10).ToList();
        Assert.Contains(capped, d => d < Settings.Cap / 4);
        Assert.Contains(capped, d => d > Settings.Cap * 3 / 4);
    }

    [Fact]
    public void The_same_seed_gives_the_same_delays()
    {
        var first = new ReconnectPolicy(Settings, new Random(7));
        var second = new ReconnectPolicy(Settings, new Random(7));

        Assert.Equal(
            Enumerable.Range(0, 10).Select(_ => first.NextDelay()).ToArray(),
            Enumerable.Range(0, 10).Select(_ => second.NextDelay()).ToArray());
    }

    [Fact]
    public void A_connection_that_stayed_open_long_enough_resets_the_ladder_and_a_short_one_does_not()
    {
        var policy = new ReconnectPolicy(Settings, new Random(3));
        for (var i = 0; i < 5; i++)
        {
            policy.NextDelay();
        }

        policy.ConnectionLost(Settings.StableAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(5, policy.Attempt);

        policy.ConnectionLost(Settings.StableAfter);
        Assert.Equal(0, policy.Attempt);
        Assert.InRange(policy.NextDelay(), TimeSpan.Zero, Settings.Base);
    }

    [Fact]
    public void Settings_with_a_cap_below_the_base_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectPolicy(Settings with { Cap = TimeSpan.FromMilliseconds(10) }, new Random(1)));
}
