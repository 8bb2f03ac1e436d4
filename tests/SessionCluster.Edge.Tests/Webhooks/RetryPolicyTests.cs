using SessionCluster.Edge.Webhooks;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>The retry policy as a pure function: exponential delays capped, jitter only ever shortening, dead letters.</summary>
public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.5, RetryPolicy.DefaultNonRetryable);

    [Fact]
    public void Delays_double_from_the_initial_delay_up_to_the_maximum_without_jitter_at_random_zero()
    {
        var delays = Enumerable.Range(1, 4).Select(n => Assert.IsType<RetryDecision.RetryAfter>(Policy.AfterFailure(n, 500, 0)).Delay.TotalSeconds);
        Assert.Equal([1, 2, 4, 5], delays);
    }

    [Fact]
    public void Jitter_takes_at_most_its_share_off_a_delay_and_never_adds()
    {
        Assert.Equal(1.0, Assert.IsType<RetryDecision.RetryAfter>(Policy.AfterFailure(2, null, 0.999_999_999)).Delay.TotalSeconds, 3);
        Assert.Equal(TimeSpan.FromSeconds(1.5), Assert.IsType<RetryDecision.RetryAfter>(Policy.AfterFailure(2, null, 0.5)).Delay);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(422)]
    public void A_non_retryable_status_dead_letters_at_the_first_attempt(int status) =>
        Assert.IsType<RetryDecision.DeadLetter>(Policy.AfterFailure(1, status, 0));

    [Fact]
    public void The_last_attempt_dead_letters_whatever_the_answer_and_other_statuses_are_retried_before_it()
    {
        Assert.IsType<RetryDecision.RetryAfter>(Policy.AfterFailure(4, 429, 0));
        Assert.IsType<RetryDecision.RetryAfter>(Policy.AfterFailure(4, 302, 0));
        Assert.IsType<RetryDecision.DeadLetter>(Policy.AfterFailure(5, 500, 0));
        Assert.IsType<RetryDecision.DeadLetter>(Policy.AfterFailure(5, null, 0));
    }
}
