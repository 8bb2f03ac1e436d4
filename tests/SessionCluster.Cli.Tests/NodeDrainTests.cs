using Microsoft.Extensions.Hosting;
using SessionCluster.Cli;

namespace SessionCluster.Cli.Tests;

/// <summary><c>node drain</c> on a node of its own: the node leaves the cluster and its host stops.</summary>
public sealed class NodeDrainTests
{
    [Fact]
    public async Task Drain_with_wait_returns_once_the_node_has_left_and_stopped()
    {
        await using var node = new ScctlNodeLifetime();
        await node.Node.InitializeAsync();
        // The executable waits for shutdown and then stops the host (NodeHost.RunAsync); a node started in a test does the same here.
        var stopped = node.Node.App.WaitForShutdownAsync();

        var run = await node.Node.RunAsync("--json", "node", "drain", "--wait", "--wait-timeout", "60");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var answer = run.Json();
        Assert.True(answer.GetProperty("stopped").GetBoolean());
        Assert.False(answer.GetProperty("alreadyDraining").GetBoolean());
        Assert.StartsWith("akka.tcp://sessioncluster@", answer.GetProperty("node").GetProperty("address").GetString());
        await stopped.WaitAsync(ScctlNode.Deadline);
        Assert.Equal(ExitCodes.Unreachable, (await node.Node.RunAsync("node", "show")).ExitCode);
    }

    /// <summary>Disposes the node however the test ends (its host has stopped already when the drain worked).</summary>
    private sealed class ScctlNodeLifetime : IAsyncDisposable
    {
        public ScctlNode Node { get; } = new();

        public async ValueTask DisposeAsync() => await Node.DisposeAsync();
    }
}
