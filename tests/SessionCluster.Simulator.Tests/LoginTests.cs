using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class LoginTests
{
    [Fact]
    public async Task Login_of_an_unknown_device_gets_failure_401()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        await using var connection = await TestConnection.ConnectAsync(host, new TestDevice().Noise, TestDevice.LoginPayload(phone, 7));
        var failure = await connection.ReceiveAsync();
        Assert.Equal("failure", failure.Tag);
        Assert.Equal("401", failure.GetString("reason"));
        await connection.AssertClosedAsync();
    }

    [Fact]
    public async Task Login_with_a_linked_device_number_but_another_noise_key_gets_failure_401()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var deviceId = await TestLinking.LinkAsync(host, phone, new TestDevice());
        await using var connection = await TestConnection.ConnectAsync(host, new TestDevice().Noise, TestDevice.LoginPayload(phone, deviceId));
        var failure = await connection.ReceiveAsync();
        Assert.Equal("failure", failure.Tag);
        Assert.Equal("401", failure.GetString("reason"));
    }

    [Fact]
    public async Task A_second_login_of_the_same_device_replaces_the_first()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        var (first, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (first)
        {
            var (second, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
            await using (second)
            {
                var error = await first.ReceiveAsync();
                Assert.Equal("stream:error", error.Tag);
                Assert.Equal("replaced", error.GetChild("conflict").GetString("type"));
                await first.AssertClosedAsync();

                var pong = await second.QueryAsync("w:p", "get", new Protocol.Binary.Node("ping"));
                Assert.Equal("result", pong.GetString("type"));
            }
        }

        using var http = new HttpClient();
        var stats = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<StatsSnapshot>(http, host.AdminUrl + "/stats");
        Assert.Equal(1, stats!.Conflicts);
        Assert.Equal(2, stats.Logins);
    }

    [Fact]
    public async Task Removing_a_device_logs_its_connection_out_and_it_cannot_log_in_again()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            using var http = new HttpClient();
            using (var removed = await http.DeleteAsync($"{host.AdminUrl}/accounts/{phone}/devices/{deviceId}"))
            {
                Assert.Equal(System.Net.HttpStatusCode.NoContent, removed.StatusCode);
            }

            var error = await connection.ReceiveAsync();
            Assert.Equal("stream:error", error.Tag);
            Assert.Equal("401", error.GetString("code"));
            Assert.Equal("device_removed", error.GetChild("conflict").GetString("type"));
            await connection.AssertClosedAsync();

            using var again = await http.DeleteAsync($"{host.AdminUrl}/accounts/{phone}/devices/{deviceId}");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, again.StatusCode);
        }

        await using var retry = await TestConnection.ConnectAsync(host, device.Noise, TestDevice.LoginPayload(phone, deviceId));
        var failure = await retry.ReceiveAsync();
        Assert.Equal("failure", failure.Tag);
        Assert.Equal("401", failure.GetString("reason"));
    }
}
