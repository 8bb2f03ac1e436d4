using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using SessionCluster.Host.Options;
using SessionCluster.Persistence.Leases;
using SessionCluster.Sessions;

namespace SessionCluster.Host.Composition;

/// <summary>
/// Shard leases and the write fence on PostgreSQL (docs/CLUSTER.md "Leases and write fencing"): every shard of the
/// <c>session</c> region holds a <see cref="PostgresLease"/> while its sessions run, and every session registers with
/// the fence before its first write. On SQLite there is one node and nothing to fence, so neither is configured.
/// </summary>
internal static class LeaseComposition
{
    /// <summary>How long a node waits at start for Akka.Persistence.Sql to create its tables before attaching the fence.</summary>
    private static readonly TimeSpan AttachTimeout = TimeSpan.FromSeconds(60);

    public static bool UsesLeases(NodeSettings settings) => settings.Persistence.EngineKind == PersistenceEngine.Postgres;

    public static AkkaConfigurationBuilder WithShardLeases(this AkkaConfigurationBuilder builder, NodeSettings settings, string incarnation)
    {
        if (!UsesLeases(settings))
        {
            return builder;
        }

        return builder.AddHocon(
            ConfigurationFactory.ParseString($"akka.cluster.sharding.use-lease = \"{PostgresLeaseConfig.Path}\"")
                .WithFallback(PostgresLeaseConfig.Create(settings.Persistence.ConnectionString!, incarnation)),
            HoconAddMode.Prepend);
    }

    /// <summary>
    /// Before the region starts on a sessions node: the lease and fence tables (idempotent, safe from several nodes at
    /// once), the journal and snapshot store started so that their tables exist, then the fence's trigger attached to
    /// them. Blocking is deliberate: this runs once while the ActorSystem starts, and a node whose fence cannot be set
    /// up must not host sessions (its start fails and says why).
    /// </summary>
    public static void PrepareFence(ActorSystem system, NodeSettings settings)
    {
        var connectionString = settings.Persistence.ConnectionString!;
        LeaseSchema.InstallAsync(connectionString, CancellationToken.None).GetAwaiter().GetResult();
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        persistence.JournalFor(null);
        persistence.SnapshotStoreFor(null);
        LeaseSchema.AttachFenceAsync(connectionString, AttachTimeout, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The session's registration with the fence: its shard's lease, as Akka names it.</summary>
    public static Func<SessionId, CancellationToken, Task> Register(ActorSystem system, NodeSettings settings)
    {
        var fence = new PostgresWriteFence(settings.Persistence.ConnectionString!);
        return (id, cancellationToken) => fence.RegisterAsync(id.Value, LeaseNames.ForShard(system.Name, SessionRegion.Name, SessionRegion.ShardIdOf(id)), cancellationToken).AsTask();
    }
}
