namespace SessionCluster.Persistence.Leases;

/// <summary>The lease names Akka.Cluster.Sharding asks for, so a session can name the lease of its own shard.</summary>
public static class LeaseNames
{
    /// <summary>
    /// The name Akka.Cluster.Sharding's Shard gives its lease: <c>{system}-shard-{typeName}-{shardId}</c> (Shard.cs,
    /// Akka.NET 1.5). A session registers this name with <see cref="IWriteFence.RegisterAsync"/>.
    /// </summary>
    public static string ForShard(string systemName, string typeName, string shardId) => $"{systemName}-shard-{typeName}-{shardId}";
}
