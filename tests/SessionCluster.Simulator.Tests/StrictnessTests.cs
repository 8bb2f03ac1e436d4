using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class StrictnessTests
{
    [Fact]
    public async Task A_frame_that_is_not_a_node_ends_that_stream_and_other_connections_keep_serving()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var good = new TestDevice();
        var goodId = await TestLinking.LinkAsync(host, phone, good);
        var bad = new TestDevice();
        var badId = await TestLinking.LinkAsync(host, phone, bad);
        var (healthy, _) = await TestLinking.LoginAsync(host, phone, goodId, good);
        var (broken, _) = await TestLinking.LoginAsync(host, phone, badId, bad);
        await using (healthy)
        await using (broken)
        {
            // Flag 0, then LIST_8 announcing 200 items with nothing after it.
            await broken.Socket.SendAsync(new byte[] { 0x00, 0xF8, 0xC8 });
            var error = await broken.ReceiveAsync();
            Assert.Equal("stream:error", error.Tag);
            Assert.Equal("xml-not-well-formed", error.Children[0].Tag);
            await broken.AssertClosedAsync();

            var ping = await healthy.QueryAsync("w:p", "get", new Node("ping"));
            Assert.Equal("result", ping.GetString("type"));
        }
    }

    [Fact]
    public async Task An_iq_without_an_id_ends_the_stream()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            await connection.SendAsync(new Node("iq", [("xmlns", "w:p"), ("type", "get")]));
            var error = await connection.ReceiveAsync();
            Assert.Equal("stream:error", error.Tag);
            await connection.AssertClosedAsync();
        }

        using var http = new HttpClient();
        var stats = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<StatsSnapshot>(http, host.AdminUrl + "/stats");
        Assert.True(stats!.ErrorsSent >= 1);
    }

    [Fact]
    public async Task Before_login_only_keepalive_is_served()
    {
        await using var host = await TestSimulator.StartAsync();
        var device = new TestDevice();
        var (connection, _) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            var count = await connection.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("error", count.GetString("type"));
            Assert.Equal("401", count.GetChild("error").GetString("code"));

            var ping = await connection.QueryAsync("w:p", "get", new Node("ping"));
            Assert.Equal("result", ping.GetString("type"));
        }
    }
}
