using System.Security.Cryptography;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// Real Baileys 7.0.0-rc14 companions against the simulator under <c>--tls</c>: the chat socket is <c>wss://</c> and the
/// driver trusts exactly the certificate the admin API gives (an https.Agent with <c>ca</c> for ws and the media upload,
/// an undici dispatcher with <c>connect.ca</c> for the download), with NODE_TLS_REJECT_UNAUTHORIZED unset in its process.
/// </summary>
[Trait("Category", "Interop")]
public sealed class WssTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    [Fact]
    public async Task Baileys_companions_pinning_the_admin_api_certificate_link_and_exchange_messages_and_media_over_wss()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Tls = true }, configureLogging: Logs.Attach);
        Assert.StartsWith("wss://127.0.0.1:", host.WebSocketUrl, StringComparison.Ordinal);
        using var http = new HttpClient();
        var pem = await http.GetStringAsync(host.AdminUrl + "/tls/certificate");
        var phoneA = await CreateAccountAsync(http, host, "15550001111");
        var phoneB = await CreateAccountAsync(http, host, "15550002222");
        var (a, _) = await StartLinkedAsync(http, host, phoneA, Path.Combine(Folder, "a"), Logs.Options("a") with { TrustedCertificatePem = pem });
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, phoneB, Path.Combine(Folder, "b"), Logs.Options("b") with { TrustedCertificatePem = pem });
            await using (b)
            {
                foreach (var client in new[] { a, b })
                {
                    var state = await client.StateAsync();
                    Assert.True(state.GetProperty("tlsPinned").GetBoolean());
                    Assert.Equal(System.Text.Json.JsonValueKind.Null, state.GetProperty("tlsRejectUnauthorizedEnv").ValueKind);
                }

                var toB = await a.SendTextAsync(phoneB + "@s.whatsapp.net", "over wss, A to B");
                await b.WaitForMessageAsync(m => m.Key.Id == toB.Id && m.Text == "over wss, A to B", "A's message", WaitLimit);
                var toA = await b.SendTextAsync(phoneA + "@s.whatsapp.net", "over wss, B to A");
                await a.WaitForMessageAsync(m => m.Key.Id == toA.Id && m.Text == "over wss, B to A", "B's message", WaitLimit);
                await a.WaitForReceiptAsync(r => r.Key.Id == toB.Id && r.Status >= 3, "the delivery of A's message", WaitLimit);
                await b.WaitForReceiptAsync(r => r.Key.Id == toA.Id && r.Status >= 3, "the delivery of B's message", WaitLimit);

                // The media host serves the same certificate: the pinned upload and download work without turning verification off.
                var image = RandomNumberGenerator.GetBytes(50_000);
                var sent = await a.SendImageAsync(phoneB + "@s.whatsapp.net", image, caption: "pinned");
                await b.WaitForMessageAsync(m => m.Key.Id == sent.Id && m.HasMedia, "the image", WaitLimit);
                Assert.Equal(image, await b.DownloadMediaAsync(sent.Id!));

                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
            }
        }
    }

    [Fact]
    public async Task Baileys_pinning_another_certificate_cannot_open_the_wss_chat_socket()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Tls = true }, configureLogging: Logs.Attach);
        await using var other = await SimulatorHost.StartAsync(new SimulatorOptions { Tls = true });
        using var http = new HttpClient();
        var otherPem = await http.GetStringAsync(other.AdminUrl + "/tls/certificate");
        await using var client = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, Path.Combine(Folder, "c"), Logs.Options("c") with { TrustedCertificatePem = otherPem });

        var close = await client.WaitForConnectionCloseAsync(expectedStatus: null, WaitLimit);

        Assert.NotNull(close.Error);
        Assert.Contains("certificate", close.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(client.Events.OfType<BaileysQr>());
        Assert.Equal(0, host.Server.Stats.Snapshot(0, 0).ConnectionsTotal);
    }
}
