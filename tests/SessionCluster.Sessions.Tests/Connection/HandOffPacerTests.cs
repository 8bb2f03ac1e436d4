using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Connection;

public sealed class HandOffPacerTests
{
    [Fact]
    public void Shards_get_consecutive_slots_one_start_apart_per_session_and_the_sessions_of_one_shard_share_its_slot()
    {
        var clock = new ManualClock();
        var pacer = new HandOffPacer(() => 10, () => 6, clock);

        // Three sessions of shard 1 arrive, then three of shard 2 (sessions of one shard are handed off together).
        var waits = new[] { "1", "1", "1", "2", "2", "2" }.Select(shard => Math.Round(pacer.Reserve(shard).TotalMilliseconds)).ToArray();

        Assert.Equal([0, 0, 0, 300, 300, 300], waits);
    }

    [Fact]
    public void Interleaved_shards_keep_the_slot_each_got_first_and_later_shards_start_after_every_session_seen()
    {
        var clock = new ManualClock();
        var pacer = new HandOffPacer(() => 10, () => 4, clock);

        Assert.Equal(TimeSpan.Zero, pacer.Reserve("a"));
        Assert.Equal(100, Math.Round(pacer.Reserve("b").TotalMilliseconds));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("a"));
        Assert.Equal(300, Math.Round(pacer.Reserve("c").TotalMilliseconds));

        // Time passes; the waits shrink with it.
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(50, Math.Round(pacer.Reserve("c").TotalMilliseconds));
    }

    [Fact]
    public void A_node_with_more_sessions_than_its_share_can_start_in_the_spread_quickens_so_the_last_slot_fits_in_it()
    {
        var clock = new ManualClock();
        var spread = TimeSpan.FromSeconds(12);
        var pacer = new HandOffPacer(() => 50, () => 2400, clock, spread);

        var last = Enumerable.Range(0, 2400).Select(i => pacer.Reserve($"shard-{i / 24}")).Max();

        // 2,400 sessions at 50/s would take 48 s; at 200/s they take 12 s: the 100th shard starts at 99 × 24 / 200 s.
        Assert.Equal(11.88, Math.Round(last.TotalSeconds, 2));
        Assert.True(last < spread);
    }

    [Fact]
    public void No_cap_means_no_pacing_and_a_later_drain_starts_afresh()
    {
        Assert.Equal(TimeSpan.Zero, HandOffPacer.None.Reserve("1"));
        Assert.Equal(TimeSpan.Zero, HandOffPacer.None.Reserve("2"));

        var clock = new ManualClock();
        var pacer = new HandOffPacer(() => 1, () => 1, clock, TimeSpan.FromSeconds(5));
        pacer.Reserve("1");
        Assert.Equal(1, Math.Round(pacer.Reserve("2").TotalSeconds));

        // Long after the spread, a rebalance's handoff starts at once again.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("3"));
    }
}
