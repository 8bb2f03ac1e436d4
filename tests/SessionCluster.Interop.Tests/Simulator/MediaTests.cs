using System.Net.Http.Json;
using System.Security.Cryptography;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// Media through the simulator with real Baileys clients: A's Baileys asks media_conn, encrypts the image and uploads it
/// to the simulator's HTTPS media host (self-signed certificate; NODE_TLS_REJECT_UNAUTHORIZED=0 only in the driver
/// process), sends the imageMessage through the relay; B's Baileys downloads by the direct path, checks the hashes and
/// MAC and decrypts to the same bytes.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MediaTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    [Fact]
    public async Task An_image_sent_by_A_is_downloaded_and_decrypted_by_B()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phoneA = await CreateAccountAsync(http, host, "15550001111");
        var phoneB = await CreateAccountAsync(http, host, "15550002222");
        var (a, _) = await StartLinkedAsync(http, host, phoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, phoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
            await using (b)
            {
                // Not a real JPEG: Baileys only sniffs dimensions/thumbnails when asked; the bytes are opaque to the server.
                var image = RandomNumberGenerator.GetBytes(200_000);
                var sent = await a.SendImageAsync(phoneB + "@s.whatsapp.net", image, caption: "holiday");
                var received = await b.WaitForMessageAsync(m => m.Key.Id == sent.Id, "the image", WaitLimit);
                Assert.True(received.HasMedia);
                Assert.Equal("holiday", received.Caption);

                var downloaded = await b.DownloadMediaAsync(sent.Id!);
                Assert.Equal(image, downloaded);
                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
                Assert.Equal(1, host.Server.Media.Store.Count);
            }
        }
    }
}
