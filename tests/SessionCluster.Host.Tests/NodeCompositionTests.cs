using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace SessionCluster.Host.Tests;

/// <summary>What the running ActorSystem is made of: the HOCON defaults file underneath, the options on top.</summary>
public sealed class NodeCompositionTests
{
    [Fact]
    public async Task The_running_node_takes_the_hocon_defaults_file_with_the_options_laid_over_it()
    {
        await using var node = await RunningNode.StartAsync();
        var system = node.Services.GetRequiredService<ActorSystem>();
        var config = system.Settings.Config;

        Assert.Equal("sessioncluster", system.Name);
        Assert.False(config.GetBoolean("akka.coordinated-shutdown.run-by-clr-shutdown-hook"), "the file's value, not Akka's default (on)");
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("sessioncluster.health.journal-probe.cache-for", null, allowInfinite: false));
        Assert.Equal(0, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("akka.persistence.journal.sessioncluster-sqlite", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(Path.Combine(node.DataFolder, "sessioncluster.db"), config.GetString("akka.persistence.journal.sessioncluster-sqlite.path"));
        Assert.NotEqual(0, Cluster.Get(system).SelfAddress.Port);
    }
}
