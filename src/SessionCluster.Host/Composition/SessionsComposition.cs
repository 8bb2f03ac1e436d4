using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using SessionCluster.Host.Clustering;
using SessionCluster.Host.Options;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Allocation;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The <c>session</c> shard region on a <c>sessions</c> node, or its proxy on an edge-only node (docs/CLUSTER.md
/// "Roles"). On a sessions node every session is a remembered entity (it must be running to receive), remembered
/// through the journal (<c>eventsourced</c>: no second store beside it), stopped by <see cref="SessionActor.HandOff"/>
/// when its shard moves, and given the secrets box made from the node's key, the system random source and clock, the
/// node's loggers, the server from <c>SC:WhatsApp</c>, the default send pacing from <c>SC:Sessions</c>, and the node's
/// share of the cluster-wide reconnect cap, which also paces its handoffs. Shards are allocated by <see cref="SessionShardAllocation"/>: Akka's
/// least-shard allocation (newest app version first, no rebalance while versions are mixed) plus operator moves.
/// </summary>
internal static class SessionsComposition
{
    public static AkkaConfigurationBuilder WithSessions(this AkkaConfigurationBuilder builder, NodeSettings settings, NodeSecrets secrets)
    {
        if (!settings.Cluster.HostsSessions)
        {
            // An edge-only node: the region's proxy routes every command to the node hosting its shard and hosts none.
            return builder.WithActors((system, registry) =>
                registry.Register<SessionRegionKey>(ClusterSharding.Get(system).StartProxy(SessionRegion.Name, ClusterOptions.SessionsRole, SessionRegion.MessageExtractor)));
        }

        var server = settings.WhatsApp.ToServerSettings();
        var starts = new ConnectionStartLimiter(settings.Cluster.ReconnectsPerSecond, Math.Max(1, (int)Math.Ceiling(settings.Cluster.ReconnectsPerSecond)), TimeProvider.System);

        // One downloader for every session's history-sync and app-state blobs (docs/PROTOCOL.md §15, §14), trusting what the sessions' socket trusts.
        var historyDownloader = new MediaDownloader(new HttpClient(MediaUploader.CreateHandler(server)) { Timeout = Timeout.InfiniteTimeSpan });
        return builder.WithActors((system, registry, resolver) =>
        {
            var fenced = LeaseComposition.UsesLeases(settings);
            if (fenced)
            {
                var stopping = new CancellationTokenSource();
                system.RegisterOnTermination(stopping.Cancel);
                _ = LeaseComposition.PrepareFenceAsync(system, settings, stopping.Token);
            }

            system.ActorOf(ReconnectShareActor.Props(starts, settings.Cluster.ReconnectsPerSecond, ClusterOptions.SessionsRole), "reconnect-share");
            var events = resolver.GetService<SessionEventFeed>();
            var dependencies = new SessionActorDependencies(
                secrets.NewBox(),
                RandomNumberGenerator.Create(),
                TimeProvider.System,
                resolver.GetService<ILoggerFactory>())
            {
                Server = server,
                Events = events,
                Messaging = new SessionCluster.Sessions.Flows.MessagingSettings { DefaultSendRate = settings.Sessions.DefaultSendRate },
                HistoryDownloader = historyDownloader,
                ConnectionStarts = starts,
                HandOffs = new HandOffPacer(() => starts.PerSecond, () => events.HostedCount, TimeProvider.System),
                WriteFence = fenced ? LeaseComposition.Register(system, settings) : null,
                StaleSeals = secrets.Stale,
                Metrics = resolver.GetService<SessionCluster.Sessions.Metrics.SessionMetrics>(),
            };
            var sharding = ClusterSharding.Get(system);
            var shardingSettings = ClusterShardingSettings.Create(system)
                .WithRole(ClusterOptions.SessionsRole)
                .WithRememberEntities(true);
            var allocation = SessionShardAllocation.Create(
                system.Settings.Config.GetInt("akka.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit"),
                system.Settings.Config.GetDouble("akka.cluster.sharding.least-shard-allocation-strategy.rebalance-relative-limit"),
                system.Settings.Config.GetTimeSpan(NodeHocon.Keys.RebalanceSettleAfter));
            allocation.Listen(system);
            var region = sharding.Start(
                SessionRegion.Name,
                SessionRegion.EntityProps(dependencies),
                shardingSettings,
                SessionRegion.MessageExtractor,
                allocation,
                SessionActor.HandOff.Instance);
            registry.Register<SessionRegionKey>(region);
        });
    }
}

/// <summary>The registry key of the session region (<c>registry.Get&lt;SessionRegionKey&gt;()</c>), or its proxy on an edge-only node.</summary>
internal sealed class SessionRegionKey;
