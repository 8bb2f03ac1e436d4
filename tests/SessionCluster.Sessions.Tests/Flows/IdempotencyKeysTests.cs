using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>A session remembers its sends' Idempotency-Keys for a day and for its last sends, not for its whole life.</summary>
public sealed class IdempotencyKeysTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_key_answers_its_first_message_id_until_the_window_after_its_send_has_passed()
    {
        var keys = new IdempotencyKeys(TimeSpan.FromHours(24), 100);
        keys.Add("order-1", "3EB0A", T0, T0);

        Assert.Equal("3EB0A", keys.Find("order-1", T0 + TimeSpan.FromHours(23)));
        Assert.Null(keys.Find("order-1", T0 + TimeSpan.FromHours(24)));
        Assert.Equal(0, keys.Count);
    }

    [Fact]
    public void Beyond_the_capacity_the_oldest_keys_are_forgotten_first()
    {
        var keys = new IdempotencyKeys(TimeSpan.FromHours(24), 3);
        for (var i = 0; i < 5; i++)
        {
            keys.Add($"k{i}", $"id{i}", T0 + TimeSpan.FromSeconds(i), T0 + TimeSpan.FromSeconds(i));
        }

        Assert.Equal(3, keys.Count);
        Assert.Null(keys.Find("k0", T0 + TimeSpan.FromSeconds(5)));
        Assert.Null(keys.Find("k1", T0 + TimeSpan.FromSeconds(5)));
        Assert.Equal("id2", keys.Find("k2", T0 + TimeSpan.FromSeconds(5)));
        Assert.Equal("id4", keys.Find("k4", T0 + TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Rebuilt_on_recovery_from_accepted_times_it_forgets_what_a_running_session_would_have_forgotten()
    {
        // Recovery a day and an hour after the first send: that key is gone, the later one is kept.
        var recoveredAt = T0 + TimeSpan.FromHours(25);
        var keys = new IdempotencyKeys(TimeSpan.FromHours(24), 100);
        keys.Add("old", "3EB0A", T0, recoveredAt);
        keys.Add("recent", "3EB0B", T0 + TimeSpan.FromHours(20), recoveredAt);

        Assert.Null(keys.Find("old", recoveredAt));
        Assert.Equal("3EB0B", keys.Find("recent", recoveredAt));
    }

    [Fact]
    public void A_key_used_again_after_it_was_forgotten_is_a_new_send_remembered_from_then_on()
    {
        var keys = new IdempotencyKeys(TimeSpan.FromHours(1), 100);
        keys.Add("k", "first", T0, T0);
        var later = T0 + TimeSpan.FromHours(2);
        Assert.Null(keys.Find("k", later));

        keys.Add("k", "second", later, later);

        Assert.Equal("second", keys.Find("k", later + TimeSpan.FromMinutes(59)));
        Assert.Null(keys.Find("k", later + TimeSpan.FromHours(1)));
    }
}
