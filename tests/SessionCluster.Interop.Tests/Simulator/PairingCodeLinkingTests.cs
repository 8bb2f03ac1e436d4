using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using SessionCluster.Simulator.Linking;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// A real Baileys 7.0.0-rc14 client links by pairing code: <c>requestPairingCode</c> sends companion_hello, the admin
/// API enters the code on the phone, Baileys answers the primary hello notification with companion_finish, accepts
/// pair-success signed for the ADV secret both derived, restarts on 515 and reaches 'open'.
/// </summary>
[Trait("Category", "Interop")]
public sealed class PairingCodeLinkingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    [Fact]
    public async Task Baileys_links_by_pairing_code_and_reaches_the_open_state()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phone = await CreateAccountAsync(http, host, "15550003333");
        await using var client = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, Folder, Logs.Options("a"));

        var code = await client.RequestPairingCodeAsync(phone);
        Assert.Equal(8, code.Length);

        // requestPairingCode does not wait for the server's answer to companion_hello: retry while no hello is pending.
        HttpResponseMessage? link = null;
        await WaitUntilAsync(
            async () =>
            {
                link?.Dispose();
                link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", Json(new { code = code[..4] + "-" + code[4..] }));
                return link.StatusCode != HttpStatusCode.NotFound;
            },
            "companion_hello");
        using (link)
        {
            Assert.Equal(HttpStatusCode.OK, link!.StatusCode);
            var linked = await link.Content.ReadFromJsonAsync<LinkedCompanion>();
            Assert.NotNull(linked);
            Assert.StartsWith(phone + ":", linked.Jid, StringComparison.Ordinal);

            var restart = await client.WaitForRestartAsync(WaitLimit);
            Assert.Equal(BaileysClient.RestartRequired, restart.StatusCode);
            var open = await client.WaitForOpenAsync(WaitLimit);
            Assert.Equal(restart.Generation, open.Generation);
            var paired = await client.WaitForPairedAsync(WaitLimit);
            Assert.Equal(linked.Jid, paired.Me);
            Assert.Empty(client.Errors);
        }
    }

    [Fact]
    public async Task A_wrong_code_is_refused_at_companion_finish_and_the_same_Baileys_then_links_with_a_new_code()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phone = await CreateAccountAsync(http, host, "15550004444");
        await using var client = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, Folder, Logs.Options("a"));

        var code = await client.RequestPairingCodeAsync(phone);
        var wrong = new string(code.Select(c => c == 'A' ? 'B' : 'A').ToArray());
        HttpResponseMessage? link = null;
        await WaitUntilAsync(
            async () =>
            {
                link?.Dispose();
                link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", Json(new { code = wrong }));
                return link.StatusCode != HttpStatusCode.NotFound;
            },
            "companion_hello");
        using (link)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, link!.StatusCode);
        }

        var devices = await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices");
        Assert.Single(devices!);

        // Baileys asks again on the same connection (a new code, a new companion_hello); the right code links it.
        // (Its QR would not: Baileys builds its QRs from the ADV secret it had when pair-device came, but the failed
        // attempt already replaced creds.advSecretKey, so a scanned QR fails Baileys' own HMAC check.)
        var mark = client.Mark();
        var second = await client.RequestPairingCodeAsync(phone);
        Assert.NotEqual(code, second);
        link = null;
        await WaitUntilAsync(
            async () =>
            {
                link?.Dispose();
                link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", Json(new { code = second }));
                return link.StatusCode != HttpStatusCode.NotFound;
            },
            "the second companion_hello");
        using (link)
        {
            Assert.Equal(HttpStatusCode.OK, link!.StatusCode);
            var linked = await link.Content.ReadFromJsonAsync<LinkedCompanion>();
            await client.WaitForOpenAsync(WaitLimit, since: mark);
            var paired = await client.WaitForPairedAsync(WaitLimit, since: mark);
            Assert.Equal(linked!.Jid, paired.Me);
        }
    }
}
