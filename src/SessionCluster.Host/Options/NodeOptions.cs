namespace SessionCluster.Host.Options;

/// <summary>
/// Where this node keeps its files and where it listens. Bound from the configuration section <c>SC:Node</c>
/// (appsettings.json, <c>SC__Node__Key</c> environment variables, <c>--SC:Node:Key=value</c> or <c>--data PATH</c> on
/// the command line). Every default is the one stated here; docs/CONFIGURATION.md lists them all.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Node";

    /// <summary>The log formats <see cref="LogFormat"/> accepts.</summary>
    public static readonly IReadOnlyList<string> LogFormats = ["text", "json"];

    /// <summary>
    /// Default <c>./data</c>, relative to the working directory (<c>--data PATH</c> sets it). The one folder that holds
    /// everything this node keeps on disk (the SQLite journal <c>sessioncluster.db</c> when the engine is SQLite), so
    /// backing a node up or wiping it is one folder. Created at start when missing.
    /// </summary>
    public string DataFolder { get; init; } = "./data";

    /// <summary>
    /// Default <c>http://127.0.0.1:5080</c>. Where the HTTP endpoints (health, the edge API under <c>/v1</c>, and its gRPC services over h2c on the same port) listen.
    /// Loopback by default: <c>/v1</c> needs the admin key, but the traffic is plain HTTP without TLS; a container sets
    /// <c>http://0.0.0.0:5080</c>. Port 5080 keeps
    /// clear of ASP.NET Core's development 5000/5001. Port 0 takes a free port (the log line says which).
    /// </summary>
    public string HttpUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Default <c>127.0.0.1</c>. The address Akka.Remote binds and the cluster knows this node by. Loopback because a
    /// node on its own needs no network; a cluster member sets its pod or host address here.
    /// </summary>
    public string RemotingHost { get; init; } = "127.0.0.1";

    /// <summary>
    /// Default 5081: fixed so that other nodes can name this one as a seed, next to <see cref="HttpUrl"/>'s 5080 so one
    /// node needs two adjacent ports. 0 takes a free port (tests; the node still joins itself).
    /// </summary>
    public int RemotingPort { get; init; } = 5081;

    /// <summary>
    /// Default <c>text</c>: one readable line per event on the console, properties rendered inline. <c>json</c> writes
    /// one compact JSON object per event (Serilog's rendered compact format), for a log collector.
    /// </summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>
    /// Default none. An operator's HOCON file laid over hocon/sessioncluster.conf (its keys win over the defaults file;
    /// the keys the options set still take the options' values). Relative to the working directory. For a deployment
    /// that changes a few Akka settings without copying the whole defaults file (k8s/: a ConfigMap mounted as a file);
    /// missing or unparsable stops the node at start naming this key.
    /// </summary>
    public string? ConfigFile { get; init; }

    /// <summary>The data folder as an absolute path (resolved against the working directory).</summary>
    public string DataFolderFullPath => Path.GetFullPath(DataFolder);

    /// <summary>Throws <see cref="NodeConfigurationException"/> for the first setting this node cannot start with.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataFolder))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(DataFolder)}", "is empty; give a folder path (default ./data).");
        }

        if (!Uri.TryCreate(HttpUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(HttpUrl)}", $"'{HttpUrl}' is not an absolute http:// or https:// URL.");
        }

        if (string.IsNullOrWhiteSpace(RemotingHost))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(RemotingHost)}", "is empty; give a host name or IP address (default 127.0.0.1).");
        }

        if (RemotingPort is < 0 or > 65_535)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(RemotingPort)}", $"{RemotingPort} is not a TCP port (0 to 65535; 0 takes a free one).");
        }

        if (!LogFormats.Contains(LogFormat, StringComparer.OrdinalIgnoreCase))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(LogFormat)}", $"'{LogFormat}' is not one of: {string.Join(", ", LogFormats)}.");
        }
    }
}
