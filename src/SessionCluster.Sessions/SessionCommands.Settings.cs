namespace SessionCluster.Sessions;

/// <summary>The session's settings command.</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Changes the session's <see cref="SessionSettings"/> (what <paramref name="Patch"/> names; the rest stays), effective
    /// at once without a restart and durable before the answer (a <see cref="SettingsChangedBody"/> event). Replies
    /// <see cref="SettingsUpdated"/> with the whole settings, or <see cref="SettingsRefused"/> (nothing changed),
    /// <see cref="Deleted"/> for a deleted session, <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record UpdateSettings(SessionId SessionId, SessionSettingsPatch Patch) : IWithSessionId;

    /// <summary>The settings are stored and in force.</summary>
    public sealed record SettingsUpdated(SessionId SessionId, SessionSettings Settings) : Reply(SessionId);

    /// <summary>The patch is not acceptable (<paramref name="Detail"/> says which value); nothing changed.</summary>
    public sealed record SettingsRefused(SessionId SessionId, string Detail) : Reply(SessionId);
}
