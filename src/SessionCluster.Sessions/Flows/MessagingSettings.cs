namespace SessionCluster.Sessions.Flows;

/// <summary>
/// How a session keeps its ratchet children: a contact device's ratchet actor stops after <see cref="RatchetIdleAfter"/>
/// without work, and at most <see cref="LiveRatchetCap"/> are live per session (the least recently used idle ones stop
/// first), so memory follows the contacts in use, not every contact ever seen. A retry receipt waits
/// <see cref="RetryReceiptDelays"/>[count − 1] before it leaves.
/// </summary>
public sealed record MessagingSettings
{
    public TimeSpan RatchetIdleAfter { get; init; } = TimeSpan.FromMinutes(2);

    public int LiveRatchetCap { get; init; } = 256;

    /// <summary>How long a user's device list from usync is used before it is asked again (<see cref="State.DeviceListCache"/>).</summary>
    public TimeSpan DeviceListLifetime { get; init; } = State.DeviceListCache.DefaultLifetime;

    /// <summary>
    /// How old the signed prekey may get before the session rotates it at login (our choice: a week; WhatsApp's period
    /// is not in docs/PROTOCOL.md, Signal's clients rotate every few days). The previous one is kept for pkmsgs in flight.
    /// </summary>
    public TimeSpan SignedPreKeyRotation { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long the n-th retry receipt for a message waits. A sender whose ratchet went wrong under concurrent traffic
    /// (Baileys' key-store race, docs/SESSIONS.md "Retries") resends on the same broken state if asked at once, and
    /// Baileys resends only two or three times; asked after the burst, it resends on a state that works.
    /// </summary>
    public IReadOnlyList<TimeSpan> RetryReceiptDelays { get; init; } =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)];

    /// <summary>
    /// The send pacing of the sessions whose settings name none (<see cref="SessionSettings.SendRate"/> null). Default
    /// null: not paced, as before settings existed, so the node's existing throughput (benchmarks, the crash and interop
    /// tests that send 1,000 texts) is unchanged; docs/SESSIONS.md "Settings" recommends 1 message per second with a
    /// burst of 5 for a node that runs many numbers, and why.
    /// </summary>
    public SendRate? DefaultSendRate { get; init; }

    public TimeSpan RetryReceiptDelay(int count) =>
        RetryReceiptDelays.Count == 0 ? TimeSpan.Zero : RetryReceiptDelays[Math.Clamp(count, 1, RetryReceiptDelays.Count) - 1];
}
