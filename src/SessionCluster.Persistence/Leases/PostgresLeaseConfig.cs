using Akka.Configuration;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The HOCON section of the PostgreSQL lease, <c>sessioncluster.postgres-lease</c>; point Akka.Cluster.Sharding's
/// <c>use-lease</c> at <see cref="Path"/>.
/// </summary>
public static class PostgresLeaseConfig
{
    /// <summary>The section's path, the value for <c>akka.cluster.sharding.use-lease</c>.</summary>
    public const string Path = "sessioncluster.postgres-lease";

    /// <summary>
    /// 10 s, the lease's TTL (<c>heartbeat-timeout</c>). The fenced journal connections end a transaction left idle this
    /// long (<see cref="FencedConnectionString.IdleInTransactionTimeout"/>), so both come from this one value.
    /// </summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The section with its defaults (see <see cref="PostgresLeaseOptions"/> for why each): heartbeat-timeout 10s,
    /// heartbeat-interval 1s, lease-operation-timeout 3s, safety-margin "" (= heartbeat-timeout / 2), and the host's
    /// <paramref name="connectionString"/> and <paramref name="incarnation"/>.
    /// </summary>
    public static Config Create(string connectionString, string incarnation)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(incarnation);
        return ConfigurationFactory.ParseString($$"""
            {{Path}} {
              lease-class = {{SessionClusterPersistence.Quote(typeof(PostgresLease).AssemblyQualifiedName!)}}
              heartbeat-timeout = {{(long)HeartbeatTimeout.TotalMilliseconds}}ms
              heartbeat-interval = 1s
              lease-operation-timeout = 3s
              safety-margin = ""
              connection-string = {{SessionClusterPersistence.Quote(connectionString)}}
              incarnation = {{SessionClusterPersistence.Quote(incarnation)}}
            }
            """);
    }
}
