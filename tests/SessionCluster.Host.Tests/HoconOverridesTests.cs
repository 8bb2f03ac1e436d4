using Microsoft.Extensions.Configuration;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Tests;

/// <summary>SC:Node:ConfigFile: an operator's HOCON file laid over hocon/sessioncluster.conf (k8s/ mounts one from a ConfigMap).</summary>
public sealed class HoconOverridesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sc-hocon-").FullName;

    [Fact]
    public void The_operators_file_overrides_the_keys_it_names_and_the_defaults_file_gives_the_rest()
    {
        var file = Write("akka.cluster.sharding.handoff-timeout = 25s\nsessioncluster.health.journal-probe.timeout = 4s\n");

        var config = NodeHocon.Load(file);

        Assert.Equal(TimeSpan.FromSeconds(25), config.GetTimeSpan("akka.cluster.sharding.handoff-timeout", null, allowInfinite: false));
        Assert.Equal(TimeSpan.FromSeconds(4), config.GetTimeSpan(NodeHocon.Keys.JournalProbeTimeout, null, allowInfinite: false));
        Assert.Equal(NodeHocon.LoadDefaults().GetString("akka.cluster.split-brain-resolver.active-strategy"), config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
    }

    [Fact]
    public void Without_an_operators_file_the_node_runs_on_the_defaults_file_alone()
    {
        Assert.Equal(NodeHocon.LoadDefaults().ToString(), NodeHocon.Load(null).ToString());
    }

    [Fact]
    public void A_missing_operators_file_stops_the_node_naming_SC_Node_ConfigFile()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeHocon.Load(Path.Combine(_folder, "absent.conf")));

        Assert.Equal("SC:Node:ConfigFile", error.Key);
        Assert.Contains("absent.conf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operators_file_Akka_cannot_read_stops_the_node_naming_SC_Node_ConfigFile()
    {
        var file = Write("akka.cluster.sharding.handoff-timeout = ${no-such-setting}");

        var error = Assert.Throws<NodeConfigurationException>(() => NodeHocon.Load(file));

        Assert.Equal("SC:Node:ConfigFile", error.Key);
    }

    [Fact]
    public void The_option_is_read_from_SC_Node_ConfigFile()
    {
        var settings = NodeSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SC:Node:ConfigFile"] = "/etc/sessioncluster/overrides.conf" })
            .Build());

        Assert.Equal("/etc/sessioncluster/overrides.conf", settings.Node.ConfigFile);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_folder, "overrides.conf");
        File.WriteAllText(path, text);
        return path;
    }
}
