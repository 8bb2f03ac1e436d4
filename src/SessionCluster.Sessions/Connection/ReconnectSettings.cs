namespace SessionCluster.Sessions.Connection;

/// <summary>The reconnect backoff's bounds (see <see cref="ReconnectPolicy"/>).</summary>
public sealed record ReconnectSettings
{
    /// <summary>
    /// The first attempt's ceiling. Default 1 s: a server restart asks clients back at once (stream error 515/503,
    /// docs/PROTOCOL.md §3), so the first try should be quick, and whatsmeow's own retry starts at 2 s.
    /// </summary>
    public TimeSpan Base { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The largest delay. Default 2 min: below WhatsApp's 3-minute "give up and reconnect" horizon (docs/PROTOCOL.md §13) so a
    /// session is never offline much longer than the real client would be, yet long enough that an outage is not hammered.
    /// </summary>
    public TimeSpan Cap { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A connection open at least this long resets the ladder. Default 60 s, two keepalive rounds (§13): it served.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <exception cref="ArgumentOutOfRangeException">A bound is not positive, or the cap is below the base.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Base, TimeSpan.Zero, nameof(Base));
        ArgumentOutOfRangeException.ThrowIfLessThan(Cap, Base, nameof(Cap));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StableAfter, TimeSpan.Zero, nameof(StableAfter));
    }
}
