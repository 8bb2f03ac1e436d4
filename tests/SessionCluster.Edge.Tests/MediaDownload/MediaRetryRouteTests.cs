using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>
/// <c>GET /v1/sessions/{id}/messages/{messageId}/media</c> for a file the media host dropped (docs/API.md "Downloading
/// received files"): the session asks the sender's phone to upload it again (media retry) and the route serves the same
/// bytes; when the sender's phone no longer has it either, the answer is 410 <c>media_gone</c>.
/// </summary>
public sealed class MediaRetryRouteTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550008101";
    private const string Friend = "15550008102";
    private const string Session = "media-retry";

    [Fact]
    public async Task A_file_the_host_dropped_downloads_after_the_senders_phone_uploads_it_again_and_410_once_the_phone_has_it_no_more()
    {
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await QrLinking.LinkAsync(node, Session, Owner);
        using var admin = new HttpClient { Timeout = EdgeNode.Deadline };

        var bytes = RandomNumberGenerator.GetBytes(64_000);
        var first = await SendFileAsync(admin, bytes);
        await DropAsync(admin, first.DirectPath);

        using (var recovered = await node.Http.GetAsync($"/v1/sessions/{Session}/messages/{first.Id}/media"))
        {
            Assert.True(recovered.StatusCode == HttpStatusCode.OK, $"{(int)recovered.StatusCode} {await recovered.Content.ReadAsStringAsync()}");
            Assert.Equal(bytes, await recovered.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/jpeg", recovered.Content.Headers.ContentType?.ToString());
        }

        var second = await SendFileAsync(admin, RandomNumberGenerator.GetBytes(1_000));
        await DropAsync(admin, second.DirectPath);
        using (var forgot = await admin.DeleteAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/media"))
        {
            Assert.Equal(HttpStatusCode.OK, forgot.StatusCode);
        }

        using var gone = await node.Http.GetAsync($"/v1/sessions/{Session}/messages/{second.Id}/media");
        await Problems.AssertAsync(gone, HttpStatusCode.Gone, "media_gone");
    }

    /// <summary>The friend's phone sends an image to the session's account; returns once the session has the event.</summary>
    private async Task<Sent> SendFileAsync(HttpClient admin, byte[] bytes)
    {
        using var response = await admin.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/media",
            new { to = Owner + "@s.whatsapp.net", kind = "image", base64 = Convert.ToBase64String(bytes), mimeType = "image/jpeg" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var sent = (await response.Content.ReadFromJsonAsync<Sent>())!;
        await node.WaitForEventsAsync(Session, e => e.Any(x => x.GetProperty("type").GetString() == "message.received" && x.GetProperty("payload").GetProperty("id").GetString() == sent.Id),
            "the image");
        return sent;
    }

    private async Task DropAsync(HttpClient admin, string directPath)
    {
        using var dropped = await admin.DeleteAsync($"{node.Simulator.AdminUrl}/media?path={Uri.EscapeDataString(directPath)}");
        Assert.Equal(HttpStatusCode.NoContent, dropped.StatusCode);
    }

    private sealed record Sent(string Id, string DirectPath);
}
