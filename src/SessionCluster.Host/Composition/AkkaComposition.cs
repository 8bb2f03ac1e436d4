using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Hosting;
using SessionCluster.Host.Health;
using SessionCluster.Host.Options;
using SessionCluster.Persistence.Leases;
using SessionCluster.Sessions;
using SessionCluster.Sessions.CrossNode;
using SessionCluster.Sessions.State;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The ActorSystem of a node, composed with Akka.Hosting: the HOCON defaults file underneath, then what the options
/// decide (remoting, persistence) on top of it, Serilog as Akka's logger, cluster membership (ClusterComposition), and
/// the <c>session</c> shard region or its proxy.
/// </summary>
internal static class AkkaComposition
{
    /// <summary>The ActorSystem's name, part of every cluster address (<c>akka.tcp://sessioncluster@host:port</c>).</summary>
    public const string SystemName = "sessioncluster";

    public static IServiceCollection AddNodeActorSystem(
        this IServiceCollection services, NodeSettings settings, Config defaults, NodeSecrets secrets, SessionEventFeed localEvents, ClusterEventFeed clusterEvents) =>
        services.AddAkka(SystemName, builder =>
        {
            // This process's incarnation: the lease owner's suffix and the journal connection's application_name.
            var incarnation = LeaseIncarnation.New();
            builder
                .AddHocon(defaults, HoconAddMode.Append)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddSerilogLogging();
                })
                .WithRemoting(new RemoteOptions { HostName = settings.Node.RemotingHost, Port = settings.Node.RemotingPort })
                .WithNodeCluster(settings)
                .WithCrossNodeSerialization()
                .WithClusterEventBridge(localEvents, clusterEvents)
                .WithNodePersistence(settings, incarnation)
                .WithShardLeases(settings, incarnation)
                .WithSessions(settings, secrets)
                .WithActors((system, registry) =>
                {
                    // One probe persistence id per node address: nodes sharing a PostgreSQL journal never write the same one.
                    var address = Cluster.Get(system).SelfAddress;
                    var probeSettings = JournalProbeSettings.From(system.Settings.Config);
                    var probe = system.ActorOf(
                        JournalProbeActor.Props($"sessioncluster-health-probe@{address.Host}:{address.Port}", probeSettings.DeleteEvery),
                        "health-journal-probe");
                    registry.Register<JournalProbeActor>(probe);
                });
        });
}
