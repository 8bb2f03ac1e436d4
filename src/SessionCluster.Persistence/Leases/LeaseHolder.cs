namespace SessionCluster.Persistence.Leases;

/// <summary>Who holds a lease row: the owner as stored (<c>{ownerName}#{incarnation}</c>) and the incarnation.</summary>
internal sealed record LeaseHolder(string Owner, string Incarnation)
{
    /// <summary>Akka's owner name (the node's host:port) made unique per process by the incarnation.</summary>
    public static LeaseHolder Of(string ownerName, string incarnation) => new($"{ownerName}#{incarnation}", incarnation);
}
