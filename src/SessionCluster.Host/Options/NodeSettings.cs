using Microsoft.Extensions.Configuration;

namespace SessionCluster.Host.Options;

/// <summary>Every option of the node, bound from .NET configuration and validated together before anything starts.</summary>
public sealed record NodeSettings(NodeOptions Node, PersistenceOptions Persistence)
{
    /// <summary>
    /// Binds <see cref="NodeOptions"/> and <see cref="PersistenceOptions"/> and validates both. A value the binder
    /// cannot convert (<c>RemotingPort=abc</c>) and a value the options refuse are both a <see cref="NodeConfigurationException"/>.
    /// </summary>
    public static NodeSettings From(IConfiguration configuration)
    {
        var node = Bind<NodeOptions>(configuration, NodeOptions.Section);
        var persistence = Bind<PersistenceOptions>(configuration, PersistenceOptions.Section);
        node.Validate();
        persistence.Validate();
        return new NodeSettings(node, persistence);
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
