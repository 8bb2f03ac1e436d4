using System.Net;
using System.Net.Sockets;

namespace SessionCluster.Host.Tests;

/// <summary>The node executable as an operator runs it: <c>--data PATH</c>, ready, then SIGTERM.</summary>
public sealed class NodeProcessTests
{
    [Fact]
    public async Task The_executable_with_a_data_folder_becomes_ready_and_on_sigterm_leaves_the_cluster_and_exits_with_code_0()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-process-").FullName;
        try
        {
            await using var node = NodeProcess.Start(data);
            using var http = new HttpClient { BaseAddress = await node.HttpAddressAsync(), Timeout = TimeSpan.FromSeconds(30) };

            await RunningNode.WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
            var exitCode = await node.TerminateAsync();

            Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{node.Output}");
            Assert.True(File.Exists(Path.Combine(data, "sessioncluster.db")), "the journal file is in the --data folder");
            Assert.Contains("CoordinatedShutdown invoked", node.Output, StringComparison.Ordinal);
            Assert.Contains("Leaving", node.Output, StringComparison.Ordinal);
            Assert.Contains("Exiting completed", node.Output, StringComparison.Ordinal);
            Assert.Contains("Node stopped", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_executable_exits_with_code_1_and_one_fatal_line_naming_the_address_when_its_remoting_port_is_taken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("sessioncluster-process-").FullName;
        try
        {
            await using var node = NodeProcess.Start(data, remotingPort: port);

            var exitCode = await node.ExitCodeAsync();

            Assert.True(exitCode == 1, $"exit code {exitCode}. Output:\n{node.Output}");
            Assert.Contains($"The node could not start: Failed to bind to [127.0.0.1:{port}]", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_executable_refuses_an_unknown_provider_with_exit_code_2_and_one_line_naming_the_key()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-process-").FullName;
        try
        {
            await using var node = NodeProcess.Start(data, extraArgs: ["--SC:Persistence:Provider=cassandra"]);

            var exitCode = await node.ExitCodeAsync();

            Assert.True(exitCode == 2, $"exit code {exitCode}. Output:\n{node.Output}");
            Assert.Contains("The node cannot start: Configuration SC:Persistence:Provider: 'cassandra'", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
