using System.Security.Cryptography;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Options;
using SessionCluster.Sessions;
using SessionCluster.Sessions.State;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Host.Tests;

/// <summary>The node's secrets key: where it comes from, and that a node without one does not start sessions.</summary>
public sealed class SecretsStartupTests
{
    private static readonly string ConfiguredKey = SecretKey.Generate(RandomNumberGenerator.Create()).ExportBase64();

    [Fact]
    public async Task A_node_started_with_nothing_configured_writes_a_key_file_readable_by_its_owner_only_and_serves_sessions()
    {
        await using var node = await RunningNode.StartAsync();
        var keyFile = Path.Combine(node.DataFolder, "secrets.key");

        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        SecretKey.FromBase64(File.ReadAllText(keyFile), keyFile);
        var region = ActorRegistry.For(node.Services.GetRequiredService<ActorSystem>()).Get<SessionRegionKey>();
        var id = new SessionId("host-test");
        var created = Assert.IsType<Created>(await region.Ask<Reply>(new Create(id, new SessionOptions("SessionCluster", "Chrome", true)), RunningNode.Deadline));
        var status = Assert.IsType<StatusReply>(await region.Ask<Reply>(new GetStatus(id), RunningNode.Deadline));
        Assert.Equal(created.Status, status.Status);
    }

    [Fact]
    public async Task A_node_restarted_on_its_data_folder_reads_its_key_file_and_recovers_its_sessions()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-node-").FullName;
        string[] args = ["--data", data, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0"];
        var id = new SessionId("restarted");
        try
        {
            SessionStatusView created;
            await using (var first = NodeHost.Build(args))
            {
                await first.StartAsync();
                var region = ActorRegistry.For(first.Services.GetRequiredService<ActorSystem>()).Get<SessionRegionKey>();
                created = Assert.IsType<Created>(await region.Ask<Reply>(new Create(id, new SessionOptions("SessionCluster", "Chrome", true)), RunningNode.Deadline)).Status;
                await first.StopAsync();
            }

            await using (var second = NodeHost.Build(args))
            {
                await second.StartAsync();
                var region = ActorRegistry.For(second.Services.GetRequiredService<ActorSystem>()).Get<SessionRegionKey>();
                var recovered = Assert.IsType<StatusReply>(await region.Ask<Reply>(new GetStatus(id), RunningNode.Deadline)).Status;
                await second.StopAsync();

                Assert.Equal(created, recovered);
                Assert.Null(recovered.SecretsFailure);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_configured_key_is_used_and_no_key_file_is_written()
    {
        await using var node = await RunningNode.StartAsync($"--SC:Secrets:Key={ConfiguredKey}");

        Assert.False(File.Exists(Path.Combine(node.DataFolder, "secrets.key")));
    }

    [Fact]
    public void Without_a_key_and_with_key_generation_off_the_node_refuses_to_start_naming_the_setting()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-node-").FullName;
        try
        {
            var error = Assert.Throws<NodeConfigurationException>(() => SecretsComposition.ResolveKey(
                new SecretsOptions { GenerateKeyFile = false }, data, _ => null));

            Assert.Equal("SC:Secrets:Key", error.Key);
            Assert.Contains("SC_SECRETS_KEY", error.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void The_node_build_refuses_to_start_without_a_key_when_generation_is_off()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-node-").FullName;
        try
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SecretsOptions.EnvironmentVariable)))
            {
                // The environment gives a key, so this process cannot show a node without one; the unit above still does.
                return;
            }

            var error = Assert.Throws<NodeConfigurationException>(() => NodeHost.Build(
                ["--data", data, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0", "--SC:Secrets:GenerateKeyFile=false"]));

            Assert.Equal("SC:Secrets:Key", error.Key);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void A_malformed_key_is_refused_without_repeating_it()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => SecretsComposition.ResolveKey(
            new SecretsOptions(), Path.GetTempPath(), name => name == SecretsOptions.EnvironmentVariable ? "c2VjcmV0LXRoYXQtaXMtc2hvcnQ=" : null));

        Assert.Equal("SC_SECRETS_KEY", error.Key);
        Assert.DoesNotContain("c2VjcmV0LXRoYXQtaXMtc2hvcnQ=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Previous_keys_bind_from_their_indexed_keys_and_a_malformed_one_or_the_current_key_is_refused_naming_its_index_without_its_value()
    {
        var current = SecretKey.FromBase64(ConfiguredKey, "test");
        var previous = SecretKey.Generate(RandomNumberGenerator.Create());
        static SecretsOptions Bound(params string[] previousKeys) => NodeSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(previousKeys.Select((key, i) => KeyValuePair.Create($"SC:Secrets:PreviousKeys:{i}", (string?)key)))
            .Build()).Secrets;

        Assert.Equal([previous.KeyIdHex], SecretsComposition.ResolvePrevious(Bound(previous.ExportBase64()), current).Select(k => k.KeyIdHex));
        var malformed = Assert.Throws<NodeConfigurationException>(() => SecretsComposition.ResolvePrevious(Bound(previous.ExportBase64(), "c2VjcmV0LXRoYXQtaXMtc2hvcnQ="), current));
        Assert.Equal("SC:Secrets:PreviousKeys:1", malformed.Key);
        Assert.DoesNotContain("c2VjcmV0LXRoYXQtaXMtc2hvcnQ=", malformed.Message, StringComparison.Ordinal);
        var listedTwice = Assert.Throws<NodeConfigurationException>(() => SecretsComposition.ResolvePrevious(Bound(ConfiguredKey), current));
        Assert.Equal("SC:Secrets:PreviousKeys:0", listedTwice.Key);
        Assert.DoesNotContain(ConfiguredKey, listedTwice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_key_wins_over_the_environment_and_the_environment_over_the_key_file()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-node-").FullName;
        try
        {
            var environmentKey = SecretKey.Generate(RandomNumberGenerator.Create());
            var fileKey = SecretKey.Generate(RandomNumberGenerator.Create());
            File.WriteAllText(Path.Combine(data, "secrets.key"), fileKey.ExportBase64());
            Func<string, string?> environment = name => name == SecretsOptions.EnvironmentVariable ? environmentKey.ExportBase64() : null;

            var configured = SecretsComposition.ResolveKey(new SecretsOptions { Key = ConfiguredKey }, data, environment);
            var fromEnvironment = SecretsComposition.ResolveKey(new SecretsOptions(), data, environment);
            var fromFile = SecretsComposition.ResolveKey(new SecretsOptions(), data, _ => null);

            Assert.Equal((SecretKey.FromBase64(ConfiguredKey, "test").KeyIdHex, SecretsComposition.KeySource.Configuration), (configured.Key.KeyIdHex, configured.Source));
            Assert.Equal((environmentKey.KeyIdHex, SecretsComposition.KeySource.Environment), (fromEnvironment.Key.KeyIdHex, fromEnvironment.Source));
            Assert.Equal((fileKey.KeyIdHex, SecretsComposition.KeySource.KeyFile), (fromFile.Key.KeyIdHex, fromFile.Source));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
