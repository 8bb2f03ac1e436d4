namespace SessionCluster.Sessions.Flows;

/// <summary>
/// How a session keeps its ratchet children: a contact device's ratchet actor stops after <see cref="RatchetIdleAfter"/>
/// without work, and at most <see cref="LiveRatchetCap"/> are live per session (the least recently used idle ones stop
/// first), so memory follows the contacts in use, not every contact ever seen.
/// </summary>
public sealed record MessagingSettings
{
    public TimeSpan RatchetIdleAfter { get; init; } = TimeSpan.FromMinutes(2);

    public int LiveRatchetCap { get; init; } = 256;
}
