using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Persistence.Leases;
using SessionCluster.Persistence.Tests.Support;

namespace SessionCluster.Persistence.Tests.Leases;

/// <summary>Nodes whose journal (Akka.Persistence.Sql on PostgreSQL) writes under the fenced connection string of their incarnation.</summary>
public static class FencedJournal
{
    /// <summary>The node's persistence settings as the host would build them for process <paramref name="incarnation"/>.</summary>
    public static Config Config(string connectionString, string incarnation) => ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.actor.serialization-settings.sc-protobuf.assemblies = ["Google.Protobuf"]
        """).WithFallback(SessionClusterPersistence.Postgres(FencedConnectionString.For(connectionString, incarnation)));

    /// <summary>
    /// Starts the journal and snapshot store (Akka.Persistence.Sql creates their tables as they start) and attaches the
    /// fence, as the host does at start before its shard region.
    /// </summary>
    public static async Task StartAndAttachAsync(ActorSystem system, string connectionString)
    {
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        persistence.JournalFor(null);
        persistence.SnapshotStoreFor(null);
        await LeaseSchema.AttachFenceAsync(connectionString, Systems.Timeout, CancellationToken.None);
    }
}
