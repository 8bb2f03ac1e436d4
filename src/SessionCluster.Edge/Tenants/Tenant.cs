namespace SessionCluster.Edge.Tenants;

/// <summary>
/// A tenant: the unit of isolation. Its API keys see only its sessions, messages, events, webhooks and streams.
/// <paramref name="MaxSessions"/> and <paramref name="MessagesPerSecond"/> are its quotas (null: none);
/// <paramref name="RetentionDays"/> how long the messages store keeps its messages (null: always, 0: not at all).
/// </summary>
public sealed record Tenant(string Id, string Name, int? MaxSessions, int? MessagesPerSecond, int? RetentionDays, DateTimeOffset CreatedAt)
{
    /// <summary>The tenant the admin key acts in when a request names none; created with the edge's tables.</summary>
    public const string DefaultId = "default";
}
