using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
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
    /// On a sessions node, from start-up until it succeeds: the lease and fence tables (idempotent, safe from several
    /// nodes at once), the journal and snapshot store started so that their tables exist, then the fence's trigger
    /// attached to them. It runs beside the start rather than blocking it, so that a node whose database is down still
    /// starts and says so on /health/ready; nothing is unsafe meanwhile, because a shard cannot start its sessions
    /// without a lease (the lease table must exist) and a session cannot write before it registered with the fence
    /// (its table must exist too). The one window, the very first start of a cluster between the tables and the
    /// trigger, is in docs/CLUSTER.md "What the fence guarantees".
    /// </summary>
    public static Task PrepareFenceAsync(ActorSystem system, NodeSettings settings, CancellationToken cancellationToken)
    {
        var connectionString = settings.Persistence.ConnectionString!;
        var log = Akka.Event.Logging.GetLogger(system, typeof(LeaseComposition));
        return Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await LeaseSchema.InstallAsync(connectionString, cancellationToken).ConfigureAwait(false);
                    var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
                    persistence.JournalFor(null);
                    persistence.SnapshotStoreFor(null);
                    await LeaseSchema.AttachFenceAsync(connectionString, AttachTimeout, cancellationToken).ConfigureAwait(false);
                    log.Info("Shard leases and the write fence are ready in PostgreSQL.");
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.Warning("Shard leases and the write fence are not ready yet ({0}); trying again in {1}.", e.Message, RetryAfter);
                    await Task.Delay(RetryAfter, cancellationToken).ConfigureAwait(false);
                }
            }
        }, cancellationToken);
    }

    /// <summary>How long a node waits before it tries to set the fence up again.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>The session's registration with the fence: its shard's lease, as Akka names it.</summary>
    public static Func<SessionId, CancellationToken, Task> Register(ActorSystem system, NodeSettings settings)
    {
        var fence = new PostgresWriteFence(settings.Persistence.ConnectionString!);
        return (id, cancellationToken) => fence.RegisterAsync(id.Value, LeaseNames.ForShard(system.Name, SessionRegion.Name, SessionRegion.ShardIdOf(id)), cancellationToken).AsTask();
    }
}
