using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using SessionCluster.Host.Health;

namespace SessionCluster.Host.Tests;

/// <summary><c>SessionCluster.Host probe</c>: the container's health check, one GET and an exit code, no ActorSystem.</summary>
public sealed class NodeProbeTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5080", null, "http://127.0.0.1:5080/health/live")]
    [InlineData("http://+:6000", "live", "http://127.0.0.1:6000/health/live")]
    [InlineData("http://*:6000", "ready", "http://127.0.0.1:6000/health/ready")]
    [InlineData("http://[::]:5080", "ready", "http://[::1]:5080/health/ready")]
    [InlineData("http://10.1.2.3:5080", null, "http://10.1.2.3:5080/health/live")]
    [InlineData("http://127.0.0.1:5080", "http://node-7:9000/health/ready", "http://node-7:9000/health/ready")]
    public void The_probe_asks_the_nodes_own_http_url_with_a_wildcard_host_made_loopback(string httpUrl, string? what, string expected)
    {
        Assert.Equal(new Uri(expected), NodeProbe.Target(httpUrl, what));
    }

    [Fact]
    public void The_probe_refuses_what_is_neither_live_ready_nor_an_http_url()
    {
        Assert.Null(NodeProbe.Target("http://127.0.0.1:5080", "alive"));
        Assert.Null(NodeProbe.Target("ftp://127.0.0.1:21", null));
    }

    [Fact]
    public async Task The_probe_exits_0_on_a_200_and_1_on_a_503_echoing_its_body_or_when_nothing_listens()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/health/live", () => "live");
        app.MapGet("/health/ready", () => Results.Text("""{"status":"Unhealthy","checks":{"not-draining":{"status":"Unhealthy"}}}""", statusCode: 503));
        await app.StartAsync();
        var server = app.Urls.Single();

        var (liveCode, liveLine) = await ProbeAsync($"{server}/health/live");
        var (readyCode, readyLine) = await ProbeAsync($"{server}/health/ready");
        var (closedCode, closedLine) = await ProbeAsync($"http://127.0.0.1:{ClosedPort()}/health/live");

        Assert.Equal((0, $"{server}/health/live: 200"), (liveCode, liveLine));
        Assert.Equal(1, readyCode);
        Assert.Contains("503", readyLine, StringComparison.Ordinal);
        Assert.Contains("not-draining", readyLine, StringComparison.Ordinal);
        Assert.Equal(1, closedCode);
        Assert.Contains("no answer", closedLine, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Line)> ProbeAsync(string url)
    {
        using var output = new StringWriter();
        var exitCode = await NodeProbe.RunAsync([url], output);
        return (exitCode, output.ToString().Trim());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
