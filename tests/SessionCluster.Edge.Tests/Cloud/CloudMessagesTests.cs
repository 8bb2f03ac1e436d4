using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.Cloud;

/// <summary>
/// <c>POST /cloud/{version}/{phone-number-id}/messages</c> through a client written for Meta's Cloud API: a plain
/// HttpClient with a bearer token posting Meta's documented JSON to its base URL. It sends a text that the other phone
/// receives, marks a received message read, and reads every refusal in Cloud's error shape, never problem+json.
/// </summary>
public sealed class CloudMessagesTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550005001";
    private const string Friend = "15550005002";

    [Fact]
    public async Task A_cloud_client_sends_a_text_the_friend_receives_and_marks_the_friends_message_read()
    {
        await QrLinking.LinkAsync(node, "cloud-phone", Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        using var cloud = CloudClient(EdgeNode.AdminKey);

        using var sent = await PostAsync(cloud, "cloud-phone",
            """{"messaging_product":"whatsapp","recipient_type":"individual","to":"+15550005002","type":"text","text":{"preview_url":false,"body":"hello from a Cloud client"}}""");
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var answer = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("whatsapp", answer.GetProperty("messaging_product").GetString());
        var contact = Assert.Single(answer.GetProperty("contacts").EnumerateArray().ToList());
        Assert.Equal("+15550005002", contact.GetProperty("input").GetString());
        Assert.Equal(Friend, contact.GetProperty("wa_id").GetString());
        var id = Assert.Single(answer.GetProperty("messages").EnumerateArray().ToList()).GetProperty("id").GetString();

        var received = await Eventually.WaitForAsync(() => SimulatorPhones.MessagesAsync(node.Simulator, Friend), m => m.Any(x => x.Id == id), "the friend's phone to receive the Cloud send");
        Assert.Equal("hello from a Cloud client", received.Single(x => x.Id == id).Text);

        // The same JSON again is a second message: Cloud sends carry no idempotency key.
        using (var again = await PostAsync(cloud, "cloud-phone",
            """{"messaging_product":"whatsapp","to":"15550005002","text":{"body":"hello from a Cloud client"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            var secondId = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("messages")[0].GetProperty("id").GetString();
            Assert.NotEqual(id, secondId);
        }

        var inbound = await PhoneChats.SendAsync(node, Friend, Owner, "read me through the Cloud API");
        await PhoneChats.ReceivedAsync(node, "cloud-phone", inbound);
        using (var read = await PostAsync(cloud, "cloud-phone", $$"""{"messaging_product":"whatsapp","status":"read","message_id":"{{inbound}}"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.True(JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("success").GetBoolean());
        }

        await PhoneChats.WaitForReceiptAsync(node, Friend, inbound, "read");

        // A reaction to the friend's message goes out as a message of its own (Baileys shows what it says: CloudMediaAndReactionTests).
        using (var reaction = await PostAsync(cloud, "cloud-phone", $$$"""{"messaging_product":"whatsapp","to":"15550005002","type":"reaction","reaction":{"message_id":"{{{inbound}}}","emoji":"👍"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, reaction.StatusCode);
            var reactionId = JsonDocument.Parse(await reaction.Content.ReadAsStringAsync()).RootElement.GetProperty("messages")[0].GetProperty("id").GetString();
            await Eventually.WaitForAsync(() => SimulatorPhones.MessagesAsync(node.Simulator, Friend), m => m.Any(x => x.Id == reactionId), "the friend's phone to receive the reaction");
        }

        foreach (var (type, body, code) in new[]
        {
            ("interactive", """{"messaging_product":"whatsapp","to":"15550005002","type":"interactive","interactive":{"type":"button"}}""", 131051),
            ("template", """{"messaging_product":"whatsapp","to":"15550005002","type":"template","template":{"name":"hello_world"}}""", 131051),
            ("image.id", """{"messaging_product":"whatsapp","to":"15550005002","type":"image","image":{"id":"1234567890"}}""", 131051),
            ("public hosts", """{"messaging_product":"whatsapp","to":"15550005002","type":"image","image":{"link":"http://127.0.0.1:9/a.jpg"}}""", 131009),
            ("link", """{"messaging_product":"whatsapp","to":"15550005002","type":"document","document":{"link":"ftp://example.com/a.pdf"}}""", 100),
            ("link", """{"messaging_product":"whatsapp","to":"15550005002","type":"sticker","sticker":{}}""", 131008),
            ("3EB0FFFFFFFFFFFFFFFF", """{"messaging_product":"whatsapp","to":"15550005002","type":"reaction","reaction":{"message_id":"3EB0FFFFFFFFFFFFFFFF","emoji":"👍"}}""", 131009),
            ("emoji", $$$"""{"messaging_product":"whatsapp","to":"15550005002","type":"reaction","reaction":{"message_id":"{{{inbound}}}"}}""", 131008),
        })
        {
            using var refused = await PostAsync(cloud, "cloud-phone", body);
            var error = await AssertCloudErrorAsync(refused, HttpStatusCode.BadRequest, code);
            Assert.Contains(type, error.GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
        }

        using var unknownMessage = await PostAsync(cloud, "cloud-phone", """{"messaging_product":"whatsapp","status":"read","message_id":"3EB0FFFFFFFFFFFFFFFF"}""");
        await AssertCloudErrorAsync(unknownMessage, HttpStatusCode.BadRequest, 131009);
    }

    [Fact]
    public async Task Bad_tokens_unknown_or_foreign_phone_number_ids_and_bad_bodies_are_cloud_errors()
    {
        await node.CreateSessionAsync("cloud-unlinked");
        using var cloud = CloudClient(EdgeNode.AdminKey);
        const string text = """{"messaging_product":"whatsapp","to":"15550005002","type":"text","text":{"body":"x"}}""";

        using (var anonymous = CloudClient(null))
        using (var noToken = await PostAsync(anonymous, "cloud-unlinked", text))
        {
            await AssertCloudErrorAsync(noToken, HttpStatusCode.Unauthorized, 190);
        }

        using (var wrong = CloudClient("not-a-key-of-this-node-0123456789abcdef"))
        using (var wrongToken = await PostAsync(wrong, "cloud-unlinked", text))
        {
            await AssertCloudErrorAsync(wrongToken, HttpStatusCode.Unauthorized, 190);
        }

        using (var unknown = await PostAsync(cloud, "no-such-phone", text))
        {
            Assert.Equal(33, (await AssertCloudErrorAsync(unknown, HttpStatusCode.BadRequest, 100)).GetProperty("error_subcode").GetInt32());
        }

        // Another tenant's key sees the default tenant's session exactly as a missing one.
        using (var other = await node.TenantClientAsync("cloud-other"))
        using (var foreign = await other.PostAsync("/cloud/v21.0/cloud-unlinked/messages", Json(text)))
        {
            var error = await AssertCloudErrorAsync(foreign, HttpStatusCode.BadRequest, 100);
            Assert.Equal(33, error.GetProperty("error_subcode").GetInt32());

            // A key may not pick another tenant: Graph's permission error, not the /v1 problem.
            using var picking = new HttpRequestMessage(HttpMethod.Post, "/cloud/v21.0/cloud-unlinked/messages") { Content = Json(text) };
            picking.Headers.Add("X-Tenant-Id", "default");
            using var picked = await other.SendAsync(picking);
            await AssertCloudErrorAsync(picked, HttpStatusCode.Forbidden, 10);
        }

        foreach (var (body, code) in new[]
        {
            ("""{"messaging_product":"whatsapp","type":"text","text":{"body":"x"}}""", 131008),
            ("""{"messaging_product":"whatsapp","to":"15550005002","type":"text"}""", 131008),
            ("""{"messaging_product":"sms","to":"15550005002","type":"text","text":{"body":"x"}}""", 100),
            ("""{"to":"15550005002","type":"text","text":{"body":"x"}}""", 100),
            ("""{"messaging_product":"whatsapp","to":"15550005002","type":"fax"}""", 100),
            ("""{"messaging_product":"whatsapp","to":"15550005002",""", 100),
            ("""{"messaging_product":"whatsapp","to":"not a number","type":"text","text":{"body":"x"}}""", 131009),
            ("""{"messaging_product":"whatsapp","to":"15550005002","type":"text","text":{"body":""}}""", 131009),
            ("""{"messaging_product":"whatsapp","status":"read"}""", 131008),
        })
        {
            using var response = await PostAsync(cloud, "cloud-unlinked", body);
            await AssertCloudErrorAsync(response, HttpStatusCode.BadRequest, code);
        }

        using (var badVersion = await cloud.PostAsync(new Uri(node.Http.BaseAddress!, "/cloud/latest/cloud-unlinked/messages"), Json(text)))
        {
            await AssertCloudErrorAsync(badVersion, HttpStatusCode.BadRequest, 100);
        }

        // Not linked to a phone: Meta's "account not registered"; nothing is sent.
        using var notLinked = await PostAsync(cloud, "cloud-unlinked", text);
        await AssertCloudErrorAsync(notLinked, HttpStatusCode.BadRequest, 133010);
    }

    private HttpClient CloudClient(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(node.Http.BaseAddress!, "/cloud/v21.0/"), Timeout = EdgeNode.Deadline };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient cloud, string phoneNumberId, string json) => cloud.PostAsync($"{phoneNumberId}/messages", Json(json));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Fails unless the answer is Cloud's <c>{"error":{...}}</c> with that status and code; returns the error object.</summary>
    private static async Task<JsonElement> AssertCloudErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} with code {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("fbtrace_id").GetString()));
        Assert.Equal("whatsapp", error.GetProperty("error_data").GetProperty("messaging_product").GetString());
        return error.Clone();
    }
}
