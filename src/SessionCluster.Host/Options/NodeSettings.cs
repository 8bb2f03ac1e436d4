using Microsoft.Extensions.Configuration;
using SessionCluster.Edge;

namespace SessionCluster.Host.Options;

/// <summary>Every option of the node, bound from .NET configuration and validated together before anything starts.</summary>
public sealed record NodeSettings(NodeOptions Node, PersistenceOptions Persistence, SecretsOptions Secrets, WhatsAppOptions WhatsApp, EdgeOptions Edge, SessionsOptions Sessions, ClusterOptions Cluster, MetricsOptions Metrics)
{
    /// <summary>
    /// Binds <see cref="NodeOptions"/>, <see cref="PersistenceOptions"/>, <see cref="SecretsOptions"/> and
    /// <see cref="WhatsAppOptions"/>, <see cref="EdgeOptions"/>, <see cref="SessionsOptions"/>, <see cref="ClusterOptions"/> and <see cref="MetricsOptions"/> and validates them. A value the binder
    /// cannot convert (<c>RemotingPort=abc</c>) and a value the options refuse are both a <see cref="NodeConfigurationException"/>.
    /// </summary>
    public static NodeSettings From(IConfiguration configuration)
    {
        var node = Bind<NodeOptions>(configuration, NodeOptions.Section);
        var persistence = Bind<PersistenceOptions>(configuration, PersistenceOptions.Section);
        var secrets = Bind<SecretsOptions>(configuration, SecretsOptions.Section);
        var whatsApp = Bind<WhatsAppOptions>(configuration, WhatsAppOptions.Section);
        var edge = Bind<EdgeOptions>(configuration, EdgeOptions.Section);
        var sessions = Bind<SessionsOptions>(configuration, SessionsOptions.Section);
        var cluster = Bind<ClusterOptions>(configuration, ClusterOptions.Section);
        var metrics = Bind<MetricsOptions>(configuration, MetricsOptions.Section);
        node.Validate();
        cluster.Validate();
        sessions.Validate();
        metrics.Validate();
        persistence.Validate();
        secrets.Validate();
        whatsApp.Validate();
        try
        {
            edge.Validate();
        }
        catch (ArgumentException e)
        {
            throw new NodeConfigurationException(EdgeOptions.Section, e.Message);
        }

        if (cluster.JoinsOthers && persistence.EngineKind != PersistenceEngine.Postgres)
        {
            // Nodes of one cluster share their journal: an embedded SQLite file belongs to one node.
            throw new NodeConfigurationException($"{PersistenceOptions.Section}:{nameof(PersistenceOptions.Engine)}",
                $"is '{persistence.Engine}', but {ClusterOptions.Section} joins other nodes; a cluster's nodes share one PostgreSQL database (Engine=postgres).");
        }

        return new NodeSettings(node, persistence, secrets, whatsApp, edge, sessions, cluster, metrics);
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the property and the value it could not convert; it never holds a whole section.
            throw new NodeConfigurationException(section, e.Message);
        }
    }
}
