using SessionCluster.Host.Composition;

namespace SessionCluster.Host.Tests;

/// <summary>hocon/sessioncluster.conf: the one documented defaults file the node starts from.</summary>
public sealed class HoconDefaultsTests
{
    [Fact]
    public void The_defaults_file_is_copied_beside_the_node_and_parses()
    {
        var config = NodeHocon.LoadDefaults();

        Assert.False(config.IsEmpty);
    }

    [Fact]
    public void Every_key_the_node_sets_or_reads_has_a_default_in_the_file()
    {
        var config = NodeHocon.LoadDefaults();

        var missing = NodeHocon.Keys.All.Where(key => !config.HasPath(key)).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_key_the_node_sets_or_reads_is_explained_by_a_comment_above_it()
    {
        var lines = File.ReadAllLines(NodeHocon.DefaultsPath);

        foreach (var key in NodeHocon.Keys.All)
        {
            var leaf = key[(key.LastIndexOf('.') + 1)..];
            var at = Array.FindIndex(lines, line => line.TrimStart().StartsWith(leaf + " ", StringComparison.Ordinal) || line.TrimStart().StartsWith(leaf + "=", StringComparison.Ordinal));
            Assert.True(at > 0, $"{key} is not written out in {NodeHocon.FileName}");
            Assert.StartsWith("#", lines[at - 1].TrimStart(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_journal_probe_defaults_are_a_short_timeout_and_a_shorter_cache()
    {
        var config = NodeHocon.LoadDefaults();

        var timeout = config.GetTimeSpan(NodeHocon.Keys.JournalProbeTimeout, null, allowInfinite: false);
        var cacheFor = config.GetTimeSpan(NodeHocon.Keys.JournalProbeCacheFor, null, allowInfinite: false);

        Assert.InRange(timeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        Assert.InRange(cacheFor, TimeSpan.FromMilliseconds(1), timeout);
        Assert.True(config.GetInt(NodeHocon.Keys.JournalProbeDeleteEvery) >= 1);
    }

    [Fact]
    public void The_config_is_never_logged_on_start_because_it_holds_the_connection_string()
    {
        Assert.False(NodeHocon.LoadDefaults().GetBoolean("akka.log-config-on-start"));
    }

    [Fact]
    public void A_missing_defaults_file_is_a_configuration_error()
    {
        var error = Assert.Throws<Options.NodeConfigurationException>(() => NodeHocon.LoadDefaults(Path.Combine(Path.GetTempPath(), "no-such-folder", NodeHocon.FileName)));

        Assert.Equal("hocon/sessioncluster.conf", error.Key);
    }
}
