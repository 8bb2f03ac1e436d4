namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The token bucket behind a session's <see cref="SendRate"/>: it holds up to <c>Burst</c> tokens, refilled at
/// <c>PerSecond</c>; each message put on the wire takes one. A value: <see cref="Take"/> returns the bucket after the
/// take and changes nothing in place.
/// </summary>
public sealed record SendBucket(double Tokens, DateTimeOffset At)
{
    /// <summary>A full bucket (a session that has sent nothing yet may send its burst at once).</summary>
    public static SendBucket Full(SendRate rate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return new SendBucket(rate.Burst, now);
    }

    /// <summary>
    /// Takes a token at <paramref name="now"/>: <c>Wait</c> zero and the bucket one token lighter, or, when none is left,
    /// how long until the next one and the bucket refilled to now (no token taken).
    /// </summary>
    public (SendBucket Bucket, TimeSpan Wait) Take(SendRate rate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rate);
        var elapsed = Math.Max(0, (now - At).TotalSeconds);
        var tokens = Math.Min(rate.Burst, Tokens + (elapsed * rate.PerSecond));
        if (tokens >= 1)
        {
            return (new SendBucket(tokens - 1, now), TimeSpan.Zero);
        }

        var wait = TimeSpan.FromSeconds((1 - tokens) / rate.PerSecond);
        return (new SendBucket(tokens, now), wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
    }
}
