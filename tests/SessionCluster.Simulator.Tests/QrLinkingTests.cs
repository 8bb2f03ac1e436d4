using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class QrLinkingTests
{
    [Fact]
    public async Task Scanning_the_qr_links_the_companion_which_then_logs_in()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        Assert.True(deviceId > 0);

        using var http = new HttpClient();
        var devices = await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices");
        Assert.NotNull(devices);
        Assert.Equal([0, deviceId], devices.Select(d => d.Device));
        Assert.Equal($"{phone}:{deviceId}@s.whatsapp.net", devices[1].Jid);

        var (connection, success) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            Assert.Equal(devices[1].Lid, success.GetString("lid"));
            Assert.InRange(long.Parse(success.GetString("t"), System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        }
    }

    [Fact]
    public async Task The_device_listing_shows_the_address_a_logged_in_companions_connection_comes_from()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        using var http = new HttpClient();

        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            var json = await http.GetStringAsync($"{host.AdminUrl}/accounts/{phone}/devices");
            Assert.Contains("\"remoteAddress\"", json, StringComparison.Ordinal);
            var online = System.Text.Json.JsonSerializer.Deserialize<DeviceResponse[]>(json, System.Text.Json.JsonSerializerOptions.Web)![1];
            Assert.True(online.Online);
            Assert.StartsWith("127.0.0.1:", online.RemoteAddress, StringComparison.Ordinal);
            Assert.Null((await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices"))![0].RemoteAddress);
        }
    }

    [Fact]
    public async Task A_wrong_device_signature_gets_stream_error_401_and_links_nothing()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            using var response = await TestLinking.ScanAsync(host, phone, device, connection, refs[0], breakSignature: true);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var error = await connection.ReceiveAsync();
            Assert.Equal("stream:error", error.Tag);
            Assert.Equal("401", error.GetString("code"));
            await connection.AssertClosedAsync();
        }

        using var http = new HttpClient();
        var devices = await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices");
        Assert.Single(devices!);
    }

    [Fact]
    public async Task A_qr_with_another_connections_keys_is_refused()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            using var http = new HttpClient();
            using var response = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = new TestDevice().Qr(refs[0]) }));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_companion_refusing_pair_success_is_reported_and_stays_connected()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            using var http = new HttpClient();
            var post = http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = device.Qr(refs[0]) }));
            var pairSuccess = await connection.ReceiveAsync();
            await connection.SendAsync(new Protocol.Binary.Node(
                "iq",
                [("to", "s.whatsapp.net"), ("type", "error"), ("id", pairSuccess.GetString("id"))],
                [new Protocol.Binary.Node("error", [("code", "401"), ("text", "hmac-mismatch")])]));
            using var response = await post;
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);

            var pong = await connection.QueryAsync("w:p", "get", new Protocol.Binary.Node("ping"));
            Assert.Equal("result", pong.GetString("type"));
        }
    }
}
