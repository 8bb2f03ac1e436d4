using System.Security.Cryptography;
using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Edge;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Grpc;
using SessionCluster.Edge.Store;
using SessionCluster.Host.Health;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Media;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions;
using SessionCluster.Host.Options;
using SessionCluster.Persistence;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The edge API (<c>/v1</c>) on the node's Kestrel, beside the health endpoints: its admin key found before anything
/// starts, the <c>session</c> region and the read journal of the configured provider given to its routes.
/// </summary>
internal static class EdgeComposition
{
    /// <summary>The admin key from configuration or <c>&lt;data&gt;/admin.key</c>, written there on first start.</summary>
    public static AdminKeyFile.Resolved ResolveAdminKey(NodeSettings settings)
    {
        try
        {
            return AdminKeyFile.Resolve(settings.Edge.AdminKey, settings.Node.DataFolderFullPath);
        }
        catch (InvalidDataException e)
        {
            throw new NodeConfigurationException($"{EdgeOptions.Section}:{nameof(EdgeOptions.AdminKey)}", e.Message);
        }
    }

    /// <summary>The edge's database (<see cref="EdgeDatabaseFile"/> in the data folder, or the node's PostgreSQL) and the hosted service that migrates it at start.</summary>
    public static IServiceCollection AddEdgeDatabase(this IServiceCollection services, NodeSettings settings)
    {
        var database = settings.Persistence.EngineKind == PersistenceEngine.Postgres
            ? EdgeDatabase.Postgres(settings.Persistence.ConnectionString!)
            : EdgeDatabase.Sqlite(Path.Combine(settings.Node.DataFolderFullPath, EdgeDatabaseFile));
        services.AddSingleton(database);
        services.AddSingleton<EdgeDatabaseMigration>();
        services.AddHostedService(provider => provider.GetRequiredService<EdgeDatabaseMigration>());
        return services;
    }

    /// <summary>The edge's SQLite file in the data folder, beside the journal's.</summary>
    public const string EdgeDatabaseFile = "edge.db";

    public static EdgeDependencies MapNodeEdge(this WebApplication app, NodeSettings settings, AdminKeyFile.Resolved adminKey, NodeSecrets secrets)
    {
        // Resolved per request, never here: resolving the region (or the ActorSystem) now would start the ActorSystem
        // at Build, outside NodeHost.RunAsync's start-up error handling (a taken remoting port would crash unhandled).
        var services = app.Services;
        var database = services.GetRequiredService<EdgeDatabase>();
        var deps = EdgeDependencies.Over(
            database,
            settings.Edge,
            new AdminKey(adminKey.Key),
            new SessionGateway(ct => services.GetRequiredService<IRequiredActor<SessionRegionKey>>().GetAsync(ct), settings.Edge.AskTimeout),
            new SessionEventLog(services.GetRequiredService<ActorSystem>, ReadJournalId(settings)),
            TimeProvider.System) with
        {
            Ready = services.GetRequiredService<EdgeDatabaseMigration>().Done,
        };
        ChatProjector? chats = null;
        deps = deps with
        {
            // crossnode: in a cluster (a ClusterEventFeed registered and ClusterEventBridge started) the hub sees every
            // node's sessions; webhook lanes and the chats store run for this node's hosted sessions only (docs/CLUSTER.md).
            Hub = new EventHub(services.GetService<Sessions.CrossNode.ClusterEventFeed>()?.Events ?? services.GetRequiredService<SessionEventFeed>(),
                deps.Directory, services.GetRequiredService<ILogger<EventHub>>()),
            Hosting = services.GetRequiredService<SessionEventFeed>(),
            SessionDeleted = (entry, ct) => chats!.SessionDeletedAsync(entry, ct),
        };
        chats = new ChatProjector(deps, deps.Chats, services.GetRequiredService<ILogger<ChatProjector>>());
        var sweeper = new RetentionSweeper(deps.Chats, deps.Clock, settings.Edge.RetentionSweepInterval, deps.Ready, services.GetRequiredService<ILogger<RetentionSweeper>>());
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            chats.Start();
            sweeper.Start();
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            sweeper.DisposeAsync().AsTask().GetAwaiter().GetResult();
            chats.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        app.Lifetime.ApplicationStopped.Register(() => deps.Hub.DisposeAsync().AsTask().GetAwaiter().GetResult());
        deps = deps with
        {
            Streams = new LiveStreams(StreamOptions(app.Configuration), services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveStreams)), app.Lifetime.ApplicationStopping),
        };
        deps = deps.WithWebhooks(app, secrets);
        deps = deps.WithMedia(app, settings);
        if (!settings.Cluster.ServesEdge)
        {
            // A sessions-only node serves no API (docs/CLUSTER.md "Roles"), but it delivers the webhooks and projects
            // the store of the sessions it hosts: the workers above run here, the routes below do not.
            return deps;
        }

        app.UseWebSockets();
        app.MapEdge(deps);
        app.MapEdgeGrpc(deps);
        Edge.OpenApi.EdgeOpenApi.MapEdgeOpenApi(app);
        Edge.Dashboard.DashboardRoutes.MapDashboard(app);
        return deps;
    }

    /// <summary>
    /// Files: the link downloader (<c>SC:Edge:Media</c>), the sessions' upload path and their download path for received
    /// files, sharing one HTTPS client that trusts what the sessions' socket trusts (<c>SC:WhatsApp:TrustedCertificateFile</c>,
    /// else the system's roots).
    /// </summary>
    private static EdgeDependencies WithMedia(this EdgeDependencies deps, WebApplication app, NodeSettings settings)
    {
        var server = settings.WhatsApp.ToServerSettings();
        var mediaClient = new HttpClient(MediaUploader.CreateHandler(server)) { Timeout = Timeout.InfiniteTimeSpan };
        var uploads = new MediaUploads(new MediaUploader(mediaClient), deps.Sessions.AskAsync, deps.Clock);
        // Production also downloads from WhatsApp's own media host when the session cannot name one (docs/PROTOCOL.md §12 "Download");
        // a simulator has only the host its media_conn names.
        IReadOnlyList<string> fallback = server.ServerUri.Host == SessionServerSettings.Production.ServerUri.Host ? [MediaDownloader.ProductionHost] : [];
        var downloads = new MediaDownloads(new MediaDownloader(mediaClient), deps.Sessions.AskAsync, fallback, askWithin: deps.Sessions.AskAsync, retryWait: settings.Edge.MediaRetryWait);
        // Files uploaded to send later wait in the data folder for a day (docs/API.md "Uploads").
        var store = new LocalDiskUploadStore(Path.Combine(settings.Node.DataFolderFullPath, "uploads"), settings.Edge.Media.MaxBytes, TimeSpan.FromDays(1), deps.Clock);
        var media = EdgeMedia.Create(settings.Edge.Media, uploads, downloads, app.Services.GetRequiredService<ILoggerFactory>(), deps.Clock, store);
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            media.Dispose();
            mediaClient.Dispose();
        });
        return deps with { Media = media };
    }

    /// <summary>
    /// Webhooks: their store with secrets sealed under the node's secrets key, and the delivery worker, started once the
    /// node has started (the journal it reads needs the ActorSystem) and stopped when the node stops, before the hub.
    /// A deleted session's webhooks, cursors and dead letters go with it.
    /// </summary>
    private static EdgeDependencies WithWebhooks(this EdgeDependencies deps, WebApplication app, NodeSecrets secrets)
    {
        var options = deps.Options.Webhooks;
        var client = WebhookSender.CreateClient(options.RequestTimeout);
        var services = new WebhookServices(options, new WebhookStore(deps.Database), new WebhookSecrets(secrets.NewBox()),
            new CloudVerification(client))
        {
            Metrics = app.Services.GetRequiredService<Metrics.NodeMetrics>().Webhooks,
        };
        // Secrets under a previous node key move to the current one once the database is ready (rotation), on every node.
        var ready = deps.Ready;
        app.Lifetime.ApplicationStarted.Register(() => _ = WebhookSecretRotation.ResealAtStartAsync(services, ready,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookSecretRotation)), app.Lifetime.ApplicationStopping));
        var sessionDeleted = deps.SessionDeleted;
        deps = deps with
        {
            Webhooks = services,
            SessionDeleted = async (entry, ct) =>
            {
                await sessionDeleted(entry, ct).ConfigureAwait(false);
                await services.Store.ForgetSessionAsync(entry.ActorId.Value, ct).ConfigureAwait(false);
                services.Changed();
            },
        };
        if (!options.Enabled)
        {
            WebhookWorker.ReportDisabled(app.Services.GetRequiredService<ILogger<WebhookWorker>>());
            return deps;
        }

        var worker = new WebhookWorker(deps, services, new WebhookSender(client, new SemaphoreSlim(options.MaxConcurrentDeliveries), deps.Clock),
            app.Services.GetRequiredService<ILogger<WebhookWorker>>());
        app.Lifetime.ApplicationStarted.Register(worker.Start);
        app.Lifetime.ApplicationStopping.Register(() => worker.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return deps;
    }

    /// <summary>The live streams' settings (<c>SC:Edge:Streams</c>); one the streams cannot run with stops the node at start.</summary>
    private static StreamOptions StreamOptions(IConfiguration configuration)
    {
        try
        {
            var options = configuration.GetSection(Edge.Streams.StreamOptions.Section).Get<StreamOptions>() ?? new StreamOptions();
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new NodeConfigurationException(Edge.Streams.StreamOptions.Section, e.Message);
        }
    }

    /// <summary>The read journal beside the configured journal: ours on SQLite, Akka.Persistence.Sql's otherwise.</summary>
    public static string ReadJournalId(NodeSettings settings) =>
        settings.Persistence.EngineKind == PersistenceEngine.Sqlite && settings.Persistence.ProviderKind == PersistenceProvider.SessionCluster
            ? SessionClusterPersistence.SqliteReadJournalId
            : SessionClusterPersistence.PostgresReadJournalId;
}
