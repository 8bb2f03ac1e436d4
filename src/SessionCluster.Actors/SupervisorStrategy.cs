namespace SessionCluster.Actors;

/// <summary>
/// How a parent treats its children's failures (one-for-one: only the failing child is affected).
/// <para>
/// <see cref="Default"/>: <see cref="ActorInitializationException"/> and <see cref="DeathPactException"/> → Stop;
/// any other exception → Restart after an exponential backoff of <see cref="MinBackoff"/> 100 ms × 2^n
/// (n = restarts so far within the window), capped at <see cref="MaxBackoff"/> 10 s, with ±20 % jitter
/// (<see cref="RandomFactor"/> 0.2); at most <see cref="MaxRestarts"/> 10 restarts within
/// <see cref="WithinWindow"/> 1 minute, the next failure stops the child.
/// </para>
/// </summary>
public sealed record SupervisorStrategy
{
    /// <summary>Restart with exponential backoff, at most 10 restarts a minute; initialization failures and death pacts stop.</summary>
    public static SupervisorStrategy Default { get; } = new();

    /// <summary>Stop on any exception.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new() { Decider = static _ => SupervisorDirective.Stop };

    /// <summary>Maps a child's exception to a directive. Default: see <see cref="Default"/>.</summary>
    public Func<Exception, SupervisorDirective> Decider { get; init; } = DefaultDecider;

    /// <summary>Backoff before the first restart in a window; doubled for each further one. Default 100 ms.
    /// <see cref="TimeSpan.Zero"/> restarts immediately.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the backoff. Default 10 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Jitter: the backoff is multiplied by a random factor in [1 − f, 1 + f]. Default 0.2.</summary>
    public double RandomFactor { get; init; } = 0.2;

    /// <summary>Restarts allowed within <see cref="WithinWindow"/>; the next failure stops the child. Default 10.
    /// A negative value means unlimited.</summary>
    public int MaxRestarts { get; init; } = 10;

    /// <summary>The window in which restarts are counted; it starts at the first restart and the count resets after it. Default 1 minute.</summary>
    public TimeSpan WithinWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The decider of <see cref="Default"/>.</summary>
    public static SupervisorDirective DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException => SupervisorDirective.Stop,
        DeathPactException => SupervisorDirective.Stop,
        _ => SupervisorDirective.Restart,
    };

    /// <summary>The backoff before restart number <paramref name="restartIndex"/> (0-based) in the window, jitter applied.</summary>
    public TimeSpan ComputeBackoff(int restartIndex)
    {
        if (MinBackoff <= TimeSpan.Zero) return TimeSpan.Zero;
        double exponent = Math.Min(restartIndex, 30);
        double ticks = Math.Min(MinBackoff.Ticks * Math.Pow(2, exponent), MaxBackoff.Ticks);
        if (RandomFactor > 0)
            ticks *= 1 + ((Random.Shared.NextDouble() * 2) - 1) * RandomFactor;
        return TimeSpan.FromTicks((long)Math.Max(0, ticks));
    }
}
