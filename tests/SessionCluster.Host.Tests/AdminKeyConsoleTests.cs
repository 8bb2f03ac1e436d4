using System.Net;

namespace SessionCluster.Host.Tests;

/// <summary>The generated admin key: printed once on the console at first start, in no log line, and not again after a restart.</summary>
public sealed class AdminKeyConsoleTests
{
    [Fact]
    public async Task The_executable_prints_a_generated_admin_key_once_at_first_start_and_never_after()
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-process-").FullName;
        try
        {
            string firstOutput;
            await using (var first = NodeProcess.Start(data))
            {
                using var http = new HttpClient { BaseAddress = await first.HttpAddressAsync(), Timeout = TimeSpan.FromSeconds(30) };
                await RunningNode.WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
                Assert.Equal(0, await first.TerminateAsync());
                firstOutput = first.Output;
            }

            var key = File.ReadAllText(Path.Combine(data, "admin.key")).Trim();
            var lines = firstOutput.Split('\n').Where(l => l.Contains(key, StringComparison.Ordinal)).ToList();
            var printed = Assert.Single(lines);
            Assert.StartsWith("admin key written to ", printed, StringComparison.Ordinal);
            Assert.Contains("Edge API on /v1: admin key from", firstOutput, StringComparison.Ordinal);

            await using var second = NodeProcess.Start(data);
            using (var http = new HttpClient { BaseAddress = await second.HttpAddressAsync(), Timeout = TimeSpan.FromSeconds(30) })
            {
                await RunningNode.WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
            }

            Assert.Equal(0, await second.TerminateAsync());
            Assert.DoesNotContain(key, second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("admin key written to", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
