using Akka.Actor;
using Akka.Configuration;
using Google.Protobuf.WellKnownTypes;
using SessionCluster.Persistence.Leases;
using SessionCluster.Persistence.Tests.Plugin;
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
    /// Makes Akka.Persistence.Sql create its journal and snapshot tables (an unfenced id writes once and recovers), then
    /// attaches the fence, as the host does at start.
    /// </summary>
    public static async Task StartAndAttachAsync(ActorSystem system, string connectionString)
    {
        var warmup = system.ActorOf(NotesActor.Props("warmup-" + Guid.NewGuid().ToString("N")));
        await warmup.Ask<int>(new StringValue { Value = "warm" }, Systems.Timeout);
        await LeaseSchema.AttachFenceAsync(connectionString, Systems.Timeout, CancellationToken.None);
    }
}
