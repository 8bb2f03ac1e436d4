using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// Media retry with a real Baileys as the requester (docs/PROTOCOL.md §12): the simulated phone of A sends B's Baileys
/// an image, the media host drops it, and Baileys' updateMediaMessage (called by the driver: rc14's downloadMediaMessage
/// reads <c>error.status</c>, which its Boom 404 does not set, so it never asks by itself) sends its server-error
/// receipt to A's phone, whose mediaretry notification Baileys decodes and decrypts; the download from the new path
/// gives the same bytes. Our stanzas and sealing, read by Baileys' code.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MediaRetryTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    [Fact]
    public async Task Baileys_recovers_a_file_the_host_dropped_through_the_senders_simulated_phone()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phoneA = await CreateAccountAsync(http, host, "15550001111");
        var phoneB = await CreateAccountAsync(http, host, "15550002222");
        var (b, _) = await StartLinkedAsync(http, host, phoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
        await using (b)
        {
            var image = RandomNumberGenerator.GetBytes(60_000);
            var phone = host.Server.Phones.Get(host.Server.Accounts.Find(phoneA)!);
            var sent = await phone.SendMediaAsync(Jid.Parse(phoneB + "@s.whatsapp.net"), MediaKind.Image, image, "image/jpeg", CancellationToken.None);
            await b.WaitForMessageAsync(m => m.Key.Id == sent.Id && m.HasMedia, "the phone's image", WaitLimit);
            Assert.True(host.Server.Media.Store.Drop(sent.DirectPath!));

            var newPath = await b.UpdateMediaAsync(sent.Id);
            var downloaded = await b.DownloadMediaAsync(sent.Id);

            Assert.NotEqual(sent.DirectPath, newPath);
            Assert.NotNull(host.Server.Media.Store.Find(newPath!));
            Assert.Equal(image, downloaded);
            Assert.Equal(1, host.Server.Media.Store.Count);
            Assert.Empty(b.Errors);
        }
    }
}
