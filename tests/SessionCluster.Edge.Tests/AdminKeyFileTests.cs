using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using SessionCluster.Host;

namespace SessionCluster.Edge.Tests;

/// <summary>A node started without <c>SC:Edge:AdminKey</c> makes its own, keeps it across restarts, and answers to it.</summary>
public sealed class AdminKeyFileTests
{
    [Fact]
    public async Task Without_a_configured_key_the_node_writes_one_readable_by_its_owner_only_and_answers_to_it_after_a_restart()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-edge-key-").FullName;
        string[] args = ["--data", data, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0"];
        try
        {
            var keyFile = Path.Combine(data, "admin.key");
            await using (var first = NodeHost.Build(args))
            {
                await first.StartAsync();
                Assert.True(File.Exists(keyFile));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
                }

                Assert.Equal(HttpStatusCode.NotFound, await StatusWithKeyAsync(first, File.ReadAllText(keyFile).Trim()));
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(first, "sc_not-the-key"));
                await first.StopAsync();
            }

            var written = File.ReadAllText(keyFile);
            await using (var second = NodeHost.Build(args))
            {
                await second.StartAsync();
                Assert.Equal(written, File.ReadAllText(keyFile));
                Assert.Equal(HttpStatusCode.NotFound, await StatusWithKeyAsync(second, written.Trim()));
                await second.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void A_configured_key_shorter_than_32_characters_stops_the_node_naming_the_setting()
    {
        var error = Assert.Throws<Host.Options.NodeConfigurationException>(() => NodeHost.Build(
            ["--data", Path.GetTempPath(), "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0", "--SC:Edge:AdminKey=short"]));

        Assert.Equal("SC:Edge", error.Key);
        Assert.DoesNotContain("short", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> StatusWithKeyAsync(WebApplication app, string key)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.HttpAddresses().Single()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.GetAsync("/v1/sessions/no-such-session");
        return response.StatusCode;
    }
}
