using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;

namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>
/// Files a real Baileys companion (tests/Interop, installed from its lockfile) sends to a linked session, downloaded
/// through the node (docs/API.md "Downloading received files"): REST's <c>/messages/{id}/media</c> and the Cloud
/// facade's media id and URL give bytes identical to what Baileys sent, with the message's type and a document's
/// name; another tenant's caller finds nothing, and a message without a file is <c>media_not_found</c>.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class ReceivedFileDownloadTests(ReceivedFilesNode files, ITestOutputHelper output) : IClassFixture<ReceivedFilesNode>, IDisposable
{
    private const string Session = ReceivedFilesNode.Session;
    private const string ChatA = ReceivedFilesNode.PhoneA + "@s.whatsapp.net";
    private static readonly TimeSpan Timeout = ReceivedFilesNode.Timeout;

    private EdgeNode Node => files.Node;

    private BaileysClient Bob => files.Bob;

    [Fact]
    public async Task Each_kind_Baileys_sends_downloads_through_REST_to_identical_bytes_with_its_type_and_a_document_its_file_name()
    {
        var cases = new (string Kind, string MimeType, Func<byte[], object> Content)[]
        {
            ("image", "image/png", b => new { image = Base64(b), mimetype = "image/png", caption = "a photo", jpegThumbnail = "" }),
            ("video", "video/mp4", b => new { video = Base64(b), mimetype = "video/mp4", jpegThumbnail = "", seconds = 2 }),
            ("audio", "audio/mp4", b => new { audio = Base64(b), mimetype = "audio/mp4", seconds = 3 }),
            ("voice", "audio/ogg; codecs=opus", b => new { audio = Base64(b), mimetype = "audio/ogg; codecs=opus", ptt = true, seconds = 3, waveform = Base64(new byte[64]) }),
            ("document", "application/pdf", b => new { document = Base64(b), mimetype = "application/pdf", fileName = "Q3 report – final.pdf" }),
            ("sticker", "image/webp", b => new { sticker = Base64(b), mimetype = "image/webp" }),
        };
        foreach (var c in cases)
        {
            var bytes = RandomNumberGenerator.GetBytes(120_000 + c.Kind.Length);
            var id = await ReceiveAsync(c.Content(bytes), c.Kind);

            using var response = await Node.Http.GetAsync($"/v1/sessions/{Session}/messages/{id}/media");

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{c.Kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(c.MimeType, response.Content.Headers.ContentType?.ToString());
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal(c.Kind == "document" ? "Q3 report – final.pdf" : null, FileName(response.Content.Headers.ContentDisposition));
        }
    }

    [Fact]
    public async Task The_Cloud_media_id_answers_Metas_metadata_and_its_url_streams_the_same_bytes_to_the_same_token_only()
    {
        var bytes = RandomNumberGenerator.GetBytes(90_000);
        var id = await ReceiveAsync(new { image = Base64(bytes), mimetype = "image/jpeg", jpegThumbnail = "" }, "cloud image");
        var mediaId = $"{Session}~{id}";
        using var cloud = CloudClient(EdgeNode.AdminKey);

        var info = await cloud.GetFromJsonAsync<JsonElement>($"/cloud/v21.0/{mediaId}");

        Assert.Equal("whatsapp", info.GetProperty("messaging_product").GetString());
        Assert.Equal(mediaId, info.GetProperty("id").GetString());
        Assert.Equal("image/jpeg", info.GetProperty("mime_type").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, info.GetProperty("file_size").GetInt64());
        var url = new Uri(info.GetProperty("url").GetString()!);
        Assert.Equal(Node.Http.BaseAddress!.Authority, url.Authority);
        Assert.Equal(bytes, await cloud.GetByteArrayAsync(url));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Anonymous.GetAsync(url)).StatusCode);

        // Another tenant's caller: the media id "does not exist" for it, by either route, and REST knows no such session.
        using var other = await Node.TenantClientAsync("other-" + Guid.NewGuid().ToString("N")[..8]);
        using var otherCloud = CloudClient(other.DefaultRequestHeaders.Authorization!.Parameter!);
        await AssertCloudUnknownAsync(otherCloud, $"/cloud/v21.0/{mediaId}");
        await AssertCloudUnknownAsync(otherCloud, url.PathAndQuery);
        await AssertProblemAsync(other, $"/v1/sessions/{Session}/messages/{id}/media", HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task A_text_message_or_an_unknown_id_has_no_media_through_REST_or_the_Cloud_facade()
    {
        var text = await Bob.SendTextAsync(ChatA, "no file here");
        await WaitForReceivedAsync(text.Id!, "the text");
        using var cloud = CloudClient(EdgeNode.AdminKey);

        await AssertProblemAsync(Node.Http, $"/v1/sessions/{Session}/messages/{text.Id}/media", HttpStatusCode.NotFound, "media_not_found");
        await AssertProblemAsync(Node.Http, $"/v1/sessions/{Session}/messages/3EB0000000000000000000/media", HttpStatusCode.NotFound, "media_not_found");
        await AssertProblemAsync(Node.Http, $"/v1/sessions/{Session}/messages/not-an-id!/media", HttpStatusCode.BadRequest, "invalid_request");
        await AssertCloudUnknownAsync(cloud, $"/cloud/v21.0/{Session}~{text.Id}");
        await AssertCloudUnknownAsync(cloud, $"/cloud/media/{Session}~{text.Id}");
        await AssertCloudUnknownAsync(cloud, "/cloud/v21.0/no-separator");
    }

    [Fact]
    public async Task A_tenant_that_keeps_no_messages_still_downloads_a_received_file_found_in_the_session_log()
    {
        const string Tenant = "keeps-nothing";
        const string PhoneC = "15550701003";
        using (var created = await Node.Http.PostAsJsonAsync("/v1/admin/tenants", new { id = Tenant, retentionDays = 0 }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"tenant: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        using var key = await Node.Http.PostAsJsonAsync($"/v1/admin/tenants/{Tenant}/keys", new { name = "files" });
        using var tenant = CloudClient((await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);
        await WebhookTestKit.LinkAsync(tenant, Node.Simulator, "nothing-kept", PhoneC);
        var bytes = RandomNumberGenerator.GetBytes(70_000);

        var sent = await Bob.SendContentAsync(PhoneC + "@s.whatsapp.net", new { document = Base64(bytes), mimetype = "text/csv", fileName = "rows.csv" });
        await WebhookTestKit.WaitForEventsAsync(tenant, "nothing-kept", events => events.Any(e => e.GetProperty("type").GetString() == "message.received" &&
            e.GetProperty("payload").GetProperty("id").GetString() == sent.Id), "the session to receive the document");
        using var response = await tenant.GetAsync($"/v1/sessions/nothing-kept/messages/{sent.Id}/media");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(("text/csv", "rows.csv"), (response.Content.Headers.ContentType?.MediaType, FileName(response.Content.Headers.ContentDisposition)));
        // The store kept no row for it: the file was found by reading the session's events.
        await AssertProblemAsync(tenant, $"/v1/sessions/nothing-kept/messages/{sent.Id}", HttpStatusCode.NotFound, "message_not_found");
    }

    public void Dispose()
    {
        while (files.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }

    /// <summary>Baileys sends <paramref name="content"/> to the session; its id once the session reported it received.</summary>
    private async Task<string> ReceiveAsync(object content, string what)
    {
        var sent = await Bob.SendContentAsync(ChatA, content);
        await WaitForReceivedAsync(sent.Id!, what);
        return sent.Id!;
    }

    private Task WaitForReceivedAsync(string id, string what) =>
        WebhookTestKit.WaitForEventsAsync(Node.Http, Session, events => events.Any(e => e.GetProperty("type").GetString() == "message.received" &&
            e.GetProperty("payload").GetProperty("id").GetString() == id), $"the session to receive the {what}");

    private HttpClient CloudClient(string token)
    {
        var client = new HttpClient { BaseAddress = Node.Http.BaseAddress, Timeout = Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task AssertProblemAsync(HttpClient http, string path, HttpStatusCode status, string code)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{path}: expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    private static async Task AssertCloudUnknownAsync(HttpClient cloud, string path)
    {
        using var response = await cloud.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal((100, 33), (error.GetProperty("code").GetInt32(), error.GetProperty("error_subcode").GetInt32()));
    }

    private static object Base64(byte[] bytes) => new { base64 = Convert.ToBase64String(bytes) };

    private static string? FileName(ContentDispositionHeaderValue? disposition) =>
        disposition?.FileNameStar ?? disposition?.FileName?.Trim('"');
}
