using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Cli;

namespace SessionCluster.Cli.Tests;

/// <summary>
/// <c>cluster leave</c> and <c>cluster down</c> on a real second member: a plain ActorSystem of the same name joined to
/// the node's cluster, made to leave or downed through scctl, and gone from <c>cluster show</c> afterwards.
/// </summary>
public sealed class ClusterMemberTests(ScctlNode node) : IClassFixture<ScctlNode>
{
    [Theory]
    [InlineData("leave")]
    [InlineData("down")]
    public async Task A_member_made_to_leave_or_downed_is_removed_from_the_cluster(string verb)
    {
        var self = Address.Parse((await node.RunAsync("--json", "cluster", "show")).Json().GetProperty("self").GetString()!);
        var member = ActorSystem.Create("sessioncluster", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.cluster.roles = [scctl-test]
            """));
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(member);
            cluster.Join(self);
            var address = cluster.SelfAddress.ToString();
            await ScctlNode.WaitUntilAsync(async () => await StatusOfAsync(address) == "up", "the second member is Up");

            var table = await node.RunAsync("cluster", "show");
            Assert.Contains("scctl-test", table.Stdout);

            var run = await node.RunAsync("--json", "cluster", verb, address);
            Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
            Assert.Equal(address, run.Json().GetProperty("address").GetString());
            Assert.Equal(verb, run.Json().GetProperty("action").GetString());
            Assert.Equal("up", run.Json().GetProperty("statusBefore").GetString());

            await ScctlNode.WaitUntilAsync(async () => await StatusOfAsync(address) is null, "the member is removed");
            Assert.Equal(ExitCodes.NotFound, (await node.RunAsync("cluster", verb, address)).ExitCode);
        }
        finally
        {
            await member.Terminate();
        }
    }

    private async Task<string?> StatusOfAsync(string address)
    {
        var run = await node.RunAsync("--json", "cluster", "show");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        return run.Json().GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("address").GetString() == address)
            .Select(m => m.GetProperty("status").GetString())
            .FirstOrDefault();
    }
}
