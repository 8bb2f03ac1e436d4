namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// How a webhook retries one event, as data (stored with the webhook, shown by the API): at most
/// <see cref="Attempts"/> POSTs; before attempt n+1 it waits <c>min(MaxDelay, InitialDelay * 2^(n-1))</c>, less a random
/// part of up to <see cref="Jitter"/> of it (so receivers coming back are not hit by every node at once, and a delay never
/// exceeds its cap). A status in <see cref="NonRetryable"/> dead-letters at once. Pure: no clock, no I/O; the delivery
/// lane sleeps and posts around it.
/// </summary>
public sealed record RetryPolicy(int Attempts, TimeSpan InitialDelay, TimeSpan MaxDelay, double Jitter, IReadOnlyList<int> NonRetryable)
{
    /// <summary>
    /// Default 12 attempts, 1 s doubling to at most 5 min, 20% jitter: about 18 minutes of retries per event before it
    /// is dead-lettered (1+2+…+256 s, then 300 s twice), which rides out a receiver's deploy or restart; one event at
    /// the head waits, so a receiver down for an hour dead-letters a few events (replayable), not all of them.
    /// </summary>
    public static readonly RetryPolicy Default = new(12, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), 0.2, DefaultNonRetryable);

    /// <summary>401, 403, 404, 410, 422: the receiver refuses the request itself; sending it again cannot help.</summary>
    public static IReadOnlyList<int> DefaultNonRetryable => [401, 403, 404, 410, 422];

    public const int MaxAttempts = 100;
    public static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxDelayLimit = TimeSpan.FromDays(1);

    /// <summary>What to do after attempt number <paramref name="attemptsMade"/> failed with <paramref name="status"/> (null: no answer).</summary>
    /// <param name="random">A number in [0, 1) for the jitter.</param>
    public RetryDecision AfterFailure(int attemptsMade, int? status, double random)
    {
        if (status is { } code && NonRetryable.Contains(code))
        {
            return new RetryDecision.DeadLetter($"the receiver answered {code}, which is not retried");
        }

        if (attemptsMade >= Attempts)
        {
            return new RetryDecision.DeadLetter($"{attemptsMade} attempts failed");
        }

        var exponent = Math.Min(attemptsMade - 1, 40);
        var full = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return new RetryDecision.RetryAfter(TimeSpan.FromMilliseconds(full * (1 - (Jitter * random))));
    }
}

/// <summary>The outcome of <see cref="RetryPolicy.AfterFailure"/>.</summary>
public abstract record RetryDecision
{
    private RetryDecision()
    {
    }

    public sealed record RetryAfter(TimeSpan Delay) : RetryDecision;

    public sealed record DeadLetter(string Reason) : RetryDecision;
}
