using System.Net.Http.Json;
using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>Drives a <see cref="TestDevice"/> through registration and QR linking, as the tests of later steps need.</summary>
internal static class TestLinking
{
    /// <summary>Connects with a registration payload and returns the connection and the refs of its pair-device.</summary>
    public static async Task<(TestConnection Connection, IReadOnlyList<string> Refs)> RegisterAsync(SimulatorHost host, TestDevice device)
    {
        var connection = await TestConnection.ConnectAsync(host, device.Noise, device.RegistrationPayload());
        var pairDevice = await connection.ReceiveAsync();
        Assert.Equal("iq", pairDevice.Tag);
        Assert.Equal("set", pairDevice.GetString("type"));
        await connection.SendAsync(new Node("iq", [("to", "s.whatsapp.net"), ("type", "result"), ("id", pairDevice.GetString("id"))]));
        var refs = pairDevice.GetChild("pair-device").GetChildren("ref").Select(r => Encoding.UTF8.GetString(r.Bytes.Span)).ToArray();
        return (connection, refs);
    }

    /// <summary>Posts the QR to the admin API while the companion answers pair-success; returns the admin response.</summary>
    public static async Task<HttpResponseMessage> ScanAsync(SimulatorHost host, string phone, TestDevice device, TestConnection connection, string reference, bool breakSignature = false)
    {
        using var http = new HttpClient();
        var post = http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = device.Qr(reference) }));
        var pairSuccess = await connection.ReceiveAsync();
        Assert.Equal("pair-success", pairSuccess.Children[0].Tag);
        await connection.SendAsync(device.AnswerPairSuccess(pairSuccess, breakSignature));
        return await post;
    }

    /// <summary>Registers and links <paramref name="device"/> to <paramref name="phone"/>; returns its device number.</summary>
    public static async Task<int> LinkAsync(SimulatorHost host, string phone, TestDevice device)
    {
        var (connection, refs) = await RegisterAsync(host, device);
        await using (connection)
        {
            using var response = await ScanAsync(host, phone, device, connection, refs[0]);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var linked = await response.Content.ReadFromJsonAsync<LinkedCompanion>();
            var restart = await connection.ReceiveAsync();
            Assert.Equal("stream:error", restart.Tag);
            Assert.Equal("515", restart.GetString("code"));
            return linked!.Device;
        }
    }

    /// <summary>Logs <paramref name="device"/> in and returns the connection after its <c>&lt;success&gt;</c>.</summary>
    public static async Task<(TestConnection Connection, Node Success)> LoginAsync(SimulatorHost host, string phone, int deviceId, TestDevice device)
    {
        var connection = await TestConnection.ConnectAsync(host, device.Noise, TestDevice.LoginPayload(phone, deviceId));
        var success = await connection.ReceiveAsync();
        Assert.Equal("success", success.Tag);
        return (connection, success);
    }
}
