namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Which of a pair-device's refs the session shows: the first for <see cref="QrSettings.FirstRefLifetime"/>, each
/// later one for <see cref="QrSettings.NextRefLifetime"/> (docs/PROTOCOL.md §6). Immutable; <see cref="Next"/> is the
/// following step, or null when every ref has been shown.
/// </summary>
public sealed record QrRotation(IReadOnlyList<string> Refs, int Index)
{
    public string Current => Refs[Index];

    public TimeSpan Lifetime(QrSettings settings) => Index == 0 ? settings.FirstRefLifetime : settings.NextRefLifetime;

    public QrRotation? Next() => Index + 1 < Refs.Count ? this with { Index = Index + 1 } : null;
}
