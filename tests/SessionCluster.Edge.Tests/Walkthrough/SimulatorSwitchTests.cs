using SessionCluster.Host;
using SessionCluster.Host.Options;

namespace SessionCluster.Edge.Tests.Walkthrough;

/// <summary>
/// The node's <c>--simulator</c> and <c>--simulator-url</c> switches are taken off the command line before the
/// configuration reads it (which would take the word after a bare <c>--simulator</c> as its value), and a URL the
/// simulator cannot serve stops the node with the switch named.
/// </summary>
public sealed class SimulatorSwitchTests
{
    [Theory]
    [InlineData(new[] { "--simulator", "--data", "d" }, true, EmbeddedSimulator.DefaultUrl, new[] { "--data", "d" })]
    [InlineData(new[] { "--data", "d", "--simulator" }, true, EmbeddedSimulator.DefaultUrl, new[] { "--data", "d" })]
    [InlineData(new[] { "--simulator", "--simulator-url", "http://127.0.0.1:0", "--SC:Node:HttpUrl=x" }, true, "http://127.0.0.1:0", new[] { "--SC:Node:HttpUrl=x" })]
    [InlineData(new[] { "--simulator-url=http://127.0.0.1:7000" }, false, "http://127.0.0.1:7000", new string[0])]
    [InlineData(new[] { "--data", "d" }, false, EmbeddedSimulator.DefaultUrl, new[] { "--data", "d" })]
    public void The_switches_are_read_and_removed_and_the_rest_is_left_for_the_configuration(string[] args, bool wanted, string url, string[] rest)
    {
        var parsed = EmbeddedSimulator.Parse(args);
        Assert.Equal(wanted, parsed.Wanted);
        Assert.Equal(url, parsed.Url);
        Assert.Equal(rest, parsed.NodeArgs);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:0")]
    [InlineData("not a url")]
    public void A_simulator_url_that_is_not_http_stops_the_node_naming_the_switch(string url)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => EmbeddedSimulator.Start(url, Path.GetTempPath()));
        Assert.Contains(EmbeddedSimulator.UrlSwitch, error.Message, StringComparison.Ordinal);
    }
}
