using System.Security.Cryptography;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using SessionCluster.Sessions;
using SessionCluster.Sessions.State;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The <c>session</c> shard region on this node: every session a remembered entity (it must be running to receive),
/// remembered through the journal (<c>eventsourced</c>: no second store beside it), each given the secrets box made
/// from the node's key, the system random source and clock, the node's loggers, and the server from <c>SC:WhatsApp</c>, and the default send pacing from <c>SC:Sessions</c>.
/// </summary>
internal static class SessionsComposition
{
    public static AkkaConfigurationBuilder WithSessions(this AkkaConfigurationBuilder builder, SecretKey key, SessionServerSettings server, SendRate? defaultSendRate)
    {
        // One downloader for every session's history-sync and app-state blobs (docs/PROTOCOL.md §15, §14), trusting what the sessions' socket trusts.
        var historyDownloader = new MediaDownloader(new HttpClient(MediaUploader.CreateHandler(server)) { Timeout = Timeout.InfiniteTimeSpan });
        return builder.WithShardRegion<SessionRegionKey>(
            SessionRegion.Name,
            (_, _, resolver) => SessionRegion.EntityProps(new SessionActorDependencies(
                new SecretBox(key, RandomNumberGenerator.Create()),
                RandomNumberGenerator.Create(),
                TimeProvider.System,
                resolver.GetService<ILoggerFactory>())
            {
                Server = server,
                Events = resolver.GetService<SessionEventFeed>(),
                Messaging = new SessionCluster.Sessions.Flows.MessagingSettings { DefaultSendRate = defaultSendRate },
                HistoryDownloader = historyDownloader,
            }),
            SessionRegion.MessageExtractor,
            new ShardOptions { RememberEntities = true, RememberEntitiesStore = Akka.Cluster.Sharding.RememberEntitiesStore.Eventsourced });
    }
}

/// <summary>The registry key of the session region (<c>registry.Get&lt;SessionRegionKey&gt;()</c>).</summary>
internal sealed class SessionRegionKey;
