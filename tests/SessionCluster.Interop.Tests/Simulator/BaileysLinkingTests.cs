using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using SessionCluster.Simulator.Linking;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// A real Baileys 7.0.0-rc14 client (through <see cref="BaileysClient"/>) against the embedded simulator: it links
/// as a companion by QR (the admin API plays the phone scanning it), survives the 515 restart, logs in, and reaches
/// connection 'open' without any query timing out.
/// </summary>
[Trait("Category", "Interop")]
public sealed class BaileysLinkingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Baileys_links_by_QR_and_reaches_the_open_state()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phone = await CreateAccountAsync(http, host, "15550001111");
        await using var client = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, Path.Combine(Folder, "a"), Options());

        var qr = await client.WaitForQrAsync(Timeout);
        using var link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", Json(new { qr = qr.Qr }));
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var linked = await link.Content.ReadFromJsonAsync<LinkedCompanion>();
        Assert.NotNull(linked);
        Assert.StartsWith(phone + ":", linked.Jid, StringComparison.Ordinal);

        var restart = await client.WaitForRestartAsync(Timeout);
        Assert.Equal(BaileysClient.RestartRequired, restart.StatusCode);
        var open = await client.WaitForOpenAsync(Timeout);
        Assert.Equal(restart.Generation, open.Generation);
        var paired = await client.WaitForPairedAsync(Timeout);
        Assert.Equal(linked.Jid, paired.Me);

        // The prekey upload and the init queries Baileys fires once open (props, blocklist, privacy) are all
        // answered by something the simulator implements: nothing Baileys sends is left unhandled.
        await WaitUntilAsync(async () => (await DevicesAsync(http, host, phone)).Single(d => d.Device == linked.Device).PreKeys > 0);
        await WaitUntilAsync(async () => (await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats"))!.StanzasIn >= 10);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var device = (await DevicesAsync(http, host, phone)).Single(d => d.Device == linked.Device);
        Assert.True(device.Online);
        Assert.Equal(812, device.PreKeys);
        var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
        Assert.Equal(1, stats!.DevicesLinked);
        Assert.Equal(1, stats.Logins);
        Assert.Equal(0, stats.Conflicts);
        Assert.Equal(0, stats.Unhandled);
        Assert.Empty(client.Errors);
        Assert.DoesNotContain(client.Events.OfType<BaileysConnectionUpdate>(), u => u.IsClose && u.StatusCode != BaileysClient.RestartRequired);
    }

    [Fact]
    public async Task A_second_Baileys_process_with_the_same_credentials_replaces_the_first()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phone = await CreateAccountAsync(http, host, "15550002222");
        var auth = Path.Combine(Folder, "b");
        await using var first = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, auth, Options());
        var qr = await first.WaitForQrAsync(Timeout);
        using (var link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", Json(new { qr = qr.Qr })))
        {
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        }

        await first.WaitForOpenAsync(Timeout);
        var mark = first.Mark();
        await using var second = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, auth, Options());
        await second.WaitForOpenAsync(Timeout);

        var replaced = await first.WaitForConnectionCloseAsync(expectedStatus: 440, Timeout, since: mark);
        Assert.Equal(440, replaced.StatusCode);
        var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
        Assert.Equal(1, stats!.Conflicts);
        Assert.Empty(second.Errors);
    }

    private BaileysClientOptions Options() => new() { LogLevel = "info", StderrLine = Logs.Add };

}
