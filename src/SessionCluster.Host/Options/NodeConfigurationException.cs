namespace SessionCluster.Host.Options;

/// <summary>
/// A setting the node cannot start with, found before anything starts. <see cref="Key"/> names the setting as
/// .NET configuration spells it (<c>SC:Persistence:Engine</c>; as an environment variable <c>SC__Persistence__Engine</c>),
/// the message says what is wrong and what would be accepted. It never contains a connection string.
/// </summary>
public sealed class NodeConfigurationException : Exception
{
    public NodeConfigurationException(string key, string problem)
        : base($"Configuration {key}: {problem}")
    {
        Key = key;
        Problem = problem;
    }

    /// <summary>The configuration key at fault, e.g. <c>SC:Persistence:ConnectionString</c>.</summary>
    public string Key { get; }

    /// <summary>What is wrong with it, without the key.</summary>
    public string Problem { get; }
}
