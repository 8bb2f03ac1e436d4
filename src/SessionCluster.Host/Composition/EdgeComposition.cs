using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Edge;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Events;
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

    public static void MapNodeEdge(this WebApplication app, NodeSettings settings, AdminKeyFile.Resolved adminKey)
    {
        // Resolved per request, never here: resolving the region (or the ActorSystem) now would start the ActorSystem
        // at Build, outside NodeHost.RunAsync's start-up error handling (a taken remoting port would crash unhandled).
        var services = app.Services;
        var deps = new EdgeDependencies(
            settings.Edge,
            new AdminKey(adminKey.Key),
            new SessionGateway(ct => services.GetRequiredService<IRequiredActor<SessionRegionKey>>().GetAsync(ct), settings.Edge.AskTimeout),
            new SessionEventLog(services.GetRequiredService<ActorSystem>, ReadJournalId(settings)),
            TimeProvider.System);
        app.MapEdge(deps);
    }

    /// <summary>The read journal beside the configured journal: ours on SQLite, Akka.Persistence.Sql's otherwise.</summary>
    public static string ReadJournalId(NodeSettings settings) =>
        settings.Persistence.EngineKind == PersistenceEngine.Sqlite && settings.Persistence.ProviderKind == PersistenceProvider.SessionCluster
            ? SessionClusterPersistence.SqliteReadJournalId
            : SessionClusterPersistence.PostgresReadJournalId;
}
