using Microsoft.Extensions.Configuration;
using SessionCluster.Edge;

namespace SessionCluster.Host.Options;

/// <summary>Every option of the node, bound from .NET configuration and validated together before anything starts.</summary>
public sealed record NodeSettings(NodeOptions Node, PersistenceOptions Persistence, SecretsOptions Secrets, WhatsAppOptions WhatsApp, EdgeOptions Edge, SessionsOptions Sessions)
{
    /// <summary>
    /// Binds <see cref="NodeOptions"/>, <see cref="PersistenceOptions"/>, <see cref="SecretsOptions"/> and
    /// <see cref="WhatsAppOptions"/>, <see cref="EdgeOptions"/> and <see cref="SessionsOptions"/> and validates them. A value the binder
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
        node.Validate();
        sessions.Validate();
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

        return new NodeSettings(node, persistence, secrets, whatsApp, edge, sessions);
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
