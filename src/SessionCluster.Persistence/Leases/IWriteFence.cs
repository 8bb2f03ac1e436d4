namespace SessionCluster.Persistence.Leases;

/// <summary>
/// Registers a session with the write fence: which shard lease must be held for its journal rows to be accepted. A
/// session calls it once, before its first write, on every start (it is idempotent).
/// </summary>
public interface IWriteFence
{
    /// <summary>
    /// Maps <paramref name="sessionId"/> to <paramref name="leaseName"/> (see <see cref="LeaseNames.ForShard"/>) unless it
    /// is mapped already.
    /// </summary>
    /// <exception cref="LeaseFailureException">
    /// FenceMismatch: the session is mapped to another lease (the shard count or system name changed); DatabaseUnreachable.
    /// </exception>
    ValueTask RegisterAsync(string sessionId, string leaseName, CancellationToken cancellationToken);
}
