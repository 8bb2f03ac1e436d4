namespace SessionCluster.Sessions.Flows;

/// <summary>
/// How long the session shows each QR ref before it shows the next one (docs/PROTOCOL.md §6: the first 60 s, every
/// later one 20 s, as whatsmeow and the real server do). Tests shorten both, with the simulator's ref lifetimes.
/// </summary>
public sealed record QrSettings
{
    public static QrSettings Default { get; } = new();

    public TimeSpan FirstRefLifetime { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan NextRefLifetime { get; init; } = TimeSpan.FromSeconds(20);
}
