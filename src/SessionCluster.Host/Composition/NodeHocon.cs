using Akka.Configuration;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The node's HOCON defaults file (<c>hocon/sessioncluster.conf</c> at the repository root, copied beside the
/// executable) and the keys the node's code sets or reads in it. Every key in <see cref="Keys"/> has its default and
/// its explanation in that file; a test holds the two together.
/// </summary>
internal static class NodeHocon
{
    /// <summary>The defaults file's name inside the <c>hocon</c> folder.</summary>
    public const string FileName = "sessioncluster.conf";

    /// <summary>Where the node reads the defaults file: <c>hocon/</c> beside the executable.</summary>
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "hocon", FileName);

    /// <summary>Parses the defaults file; a missing or unparsable file is a <see cref="NodeConfigurationException"/>.</summary>
    public static Config LoadDefaults(string? path = null)
    {
        path ??= DefaultsPath;
        if (!File.Exists(path))
        {
            throw new NodeConfigurationException($"hocon/{FileName}", $"the HOCON defaults file is missing (looked for {path}); it is copied beside the executable by the build.");
        }

        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (ConfigurationException e)
        {
            throw new NodeConfigurationException($"hocon/{FileName}", $"does not parse as HOCON: {e.Message}");
        }
    }

    /// <summary>
    /// The node's HOCON: the defaults file, with the operator's file (<c>SC:Node:ConfigFile</c>) laid over it when one
    /// is given. Either file missing or unparsable is a <see cref="NodeConfigurationException"/> naming its key.
    /// </summary>
    public static Config Load(string? overridesPath, string? defaultsPath = null)
    {
        var defaults = LoadDefaults(defaultsPath);
        if (string.IsNullOrWhiteSpace(overridesPath))
        {
            return defaults;
        }

        const string key = $"{NodeOptions.Section}:{nameof(NodeOptions.ConfigFile)}";
        var path = Path.GetFullPath(overridesPath);
        if (!File.Exists(path))
        {
            throw new NodeConfigurationException(key, $"names {path}, which does not exist.");
        }

        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path)).WithFallback(defaults);
        }
        catch (Exception e) when (e is ConfigurationException or FormatException)
        {
            // Akka's parser is lenient with stray braces; it throws FormatException for an unresolved ${substitution}.
            throw new NodeConfigurationException(key, $"{path} does not parse as HOCON: {e.Message}");
        }
    }

    /// <summary>Every HOCON key the node's code sets (from options) or reads.</summary>
    public static class Keys
    {
        /// <summary>Read: how long a journal probe may take.</summary>
        public const string JournalProbeTimeout = "sessioncluster.health.journal-probe.timeout";

        /// <summary>Read: how long a journal probe result is reused.</summary>
        public const string JournalProbeCacheFor = "sessioncluster.health.journal-probe.cache-for";

        /// <summary>Read: after how many confirmed probe events the probe deletes the older ones.</summary>
        public const string JournalProbeDeleteEvery = "sessioncluster.health.journal-probe.delete-every";

        /// <summary>Read: how long the set of session regions must hold still before balancing moves a shard.</summary>
        public const string RebalanceSettleAfter = "sessioncluster.sharding.rebalance-settle-after";

        /// <summary>Set from <c>SC:Node:RemotingHost</c>.</summary>
        public const string RemotingHostname = "akka.remote.dot-netty.tcp.hostname";

        /// <summary>Set from <c>SC:Node:RemotingPort</c>.</summary>
        public const string RemotingPort = "akka.remote.dot-netty.tcp.port";

        /// <summary>Set from <c>SC:Persistence:Provider</c>.</summary>
        public const string JournalPlugin = "akka.persistence.journal.plugin";

        /// <summary>Set from <c>SC:Persistence:Provider</c>.</summary>
        public const string SnapshotPlugin = "akka.persistence.snapshot-store.plugin";

        /// <summary>Every key above, for the test that checks each has a default in the file.</summary>
        public static IReadOnlyList<string> All =>
            [JournalProbeTimeout, JournalProbeCacheFor, JournalProbeDeleteEvery, RebalanceSettleAfter, RemotingHostname, RemotingPort, JournalPlugin, SnapshotPlugin];
    }
}
