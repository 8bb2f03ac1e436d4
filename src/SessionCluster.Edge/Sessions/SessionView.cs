using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge;

/// <summary>
/// A session as the API shows it: its tenant's id for it, status and dates, never a key (not even the public identity
/// key: the API has no use for it and "no key in a response" stays a rule without exceptions), never its actor id.
/// </summary>
/// <param name="Settings">What the session does by itself (docs/API.md "Session settings"); null only while its secrets cannot be opened.</param>
public sealed record SessionView(string Id, string Tenant, string Status, string? Jid, string? Lid, DateTimeOffset CreatedAt, long LastEventSeq, string? Unavailable, SessionSettings? Settings)
{
    public static SessionView From(SessionEntry entry, SessionStatusView status) => new(
        entry.Id,
        entry.TenantId,
        StatusName(status.Status),
        status.DeviceJid,
        status.Lid,
        status.CreatedAt,
        status.LastEventSequence,
        status.SecretsFailure is { } failure ? failure.ToString() : null,
        status.Settings);

    /// <summary>The API's status names (docs/API.md): lower snake case, <c>new</c> for a session never linked.</summary>
    public static string StatusName(SessionStatus status) => status switch
    {
        SessionStatus.Created => "new",
        SessionStatus.LoggedOut => "logged_out",
        var other => other.ToString().ToLowerInvariant(),
    };
}
