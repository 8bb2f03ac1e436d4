using System.Collections.Frozen;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// One stream's filters, checked before it starts (<see cref="StreamRequests"/>): the caller's tenant, the sessions it
/// follows (<see cref="ActorIds"/> null: every session of the tenant, those created later too), the event types it
/// gives (null: all), and the last seq the client already has per session name.
/// </summary>
internal sealed record StreamRequest(
    string TenantId,
    IReadOnlyList<SessionEntry> Known,
    FrozenSet<string>? ActorIds,
    FrozenSet<string>? Types,
    IReadOnlyDictionary<string, long> After)
{
    /// <summary>The stream's events, journal then live, with no gap and no duplicate per session.</summary>
    public IAsyncEnumerable<TenantEvent> Follow(EventFollower follower, CancellationToken cancellationToken) =>
        follower.FollowAsync(Known, Belongs, Wanted, After, cancellationToken);

    /// <summary>The tenant's sessions (the named ones only when named); matched by actor, so a name reused after a delete is not followed.</summary>
    private bool Belongs(TenantEvent e) =>
        string.Equals(e.Session.TenantId, TenantId, StringComparison.Ordinal) && (ActorIds is null || ActorIds.Contains(e.Session.ActorId.Value));

    private bool Wanted(TenantEvent e) => Types is null || Types.Contains(EventView.TypeOf(e.Event.Body));
}
