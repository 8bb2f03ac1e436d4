using System.Net.Http.Json;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sim-data-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task With_a_data_folder_accounts_devices_and_the_root_key_survive_a_restart()
    {
        var options = new SimulatorOptions { DataFolder = _folder };
        var device = new TestDevice();
        string phone;
        int deviceId;
        byte[] rootKey;
        await using (var first = await TestSimulator.StartAsync(options))
        {
            phone = await TestSimulator.CreateAccountAsync(first);
            deviceId = await TestLinking.LinkAsync(first, phone, device);
            var (connection, _) = await TestLinking.LoginAsync(first, phone, deviceId, device);
            await using (connection)
            {
                await connection.SendAsync(device.PreKeyUpload("up", 10));
                await connection.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up");
            }

            rootKey = first.RootPublicKey.ToArray();
        }

        await using var second = await TestSimulator.StartAsync(options);
        Assert.Equal(rootKey, second.RootPublicKey.ToArray());
        var (again, _) = await TestLinking.LoginAsync(second, phone, deviceId, device);
        await using (again)
        {
            var count = await again.QueryAsync("encrypt", "get", new Protocol.Binary.Node("count"));
            Assert.Equal("10", count.GetChild("count").GetString("value"));
        }

        using var http = new HttpClient();
        var devices = await http.GetFromJsonAsync<DeviceResponse[]>($"{second.AdminUrl}/accounts/{phone}/devices");
        Assert.Equal(2, devices!.Length);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
