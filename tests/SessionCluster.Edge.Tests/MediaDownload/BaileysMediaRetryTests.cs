using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;

namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>A node whose session is linked to <see cref="PhoneA"/>, and a real Baileys companion of <see cref="PhoneB"/> that sends it files.</summary>
public sealed class MediaRetryBaileysNode() : BaileysPeerNode(PhoneA, PhoneB, Session)
{
    public const string PhoneA = "15550741001";
    public const string PhoneB = "15550741002";
    public const string Session = "retry-files";
}

/// <summary>
/// Media retry with a real Baileys companion as the sender (docs/PROTOCOL.md §12 "Media retry"): Baileys uploads an
/// image to the simulator's media host and sends it to the session; the host drops it; <c>GET .../media</c> sends the
/// server-error receipt, which the simulator passes to the sender's devices. Baileys does not answer media retries
/// itself (it only asks for them); the account's simulated phone, which decrypted Baileys' own-device copy and kept the
/// file, uploads it again, and the node serves bytes identical to what Baileys sent. Baileys, given the receipt too,
/// keeps working: it sends another message after.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class BaileysMediaRetryTests(MediaRetryBaileysNode files, ITestOutputHelper output) : IClassFixture<MediaRetryBaileysNode>, IDisposable
{
    private const string ChatA = MediaRetryBaileysNode.PhoneA + "@s.whatsapp.net";

    private EdgeNode Node => files.Node;

    private BaileysClient Bob => files.Bob;

    [Fact]
    public async Task A_file_Baileys_sent_and_the_host_dropped_is_uploaded_again_by_its_accounts_phone_and_downloads_to_identical_bytes()
    {
        using var admin = new HttpClient { Timeout = BaileysPeerNode.Timeout };
        var before = (await admin.GetFromJsonAsync<Blob[]>($"{Node.Simulator.AdminUrl}/media"))!.Select(b => b.DirectPath).ToHashSet();
        var bytes = RandomNumberGenerator.GetBytes(80_000);

        var sent = await Bob.SendContentAsync(ChatA, new { image = new { base64 = Convert.ToBase64String(bytes) }, mimetype = "image/jpeg", jpegThumbnail = "" });
        await WaitForReceivedAsync(sent.Id!);
        var uploaded = Assert.Single((await admin.GetFromJsonAsync<Blob[]>($"{Node.Simulator.AdminUrl}/media"))!, b => !before.Contains(b.DirectPath) && b.MmsType == "image");
        using (var dropped = await admin.DeleteAsync($"{Node.Simulator.AdminUrl}/media?path={Uri.EscapeDataString(uploaded.DirectPath)}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, dropped.StatusCode);
        }

        using var response = await Node.Http.GetAsync($"/v1/sessions/{MediaRetryBaileysNode.Session}/messages/{sent.Id}/media");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        // It came from the phone's upload: the same blob under a new path.
        var reuploaded = Assert.Single((await admin.GetFromJsonAsync<Blob[]>($"{Node.Simulator.AdminUrl}/media"))!, b => !before.Contains(b.DirectPath) && b.MmsType == "image");
        Assert.NotEqual(uploaded.DirectPath, reuploaded.DirectPath);
        Assert.Equal(uploaded.Length, reuploaded.Length);
        var after = await Bob.SendTextAsync(ChatA, "still sending after the media retry receipt");
        await WaitForReceivedAsync(after.Id!);
    }

    public void Dispose()
    {
        while (files.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }

    private Task WaitForReceivedAsync(string id) =>
        WebhookTestKit.WaitForEventsAsync(Node.Http, MediaRetryBaileysNode.Session, events => events.Any(e => e.GetProperty("type").GetString() == "message.received" &&
            e.GetProperty("payload").GetProperty("id").GetString() == id), $"the session to receive {id}");

    private sealed record Blob(string DirectPath, string MmsType, int Length);
}
