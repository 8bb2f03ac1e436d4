using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Grpc;
using SessionCluster.Edge.Tests.Linking;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;
using V1 = SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// Statuses (docs/API.md "Status", docs/PROTOCOL.md §9 "Status") between the session and a real Baileys companion
/// (tests/Interop) through the simulator: a text and an image the session posts reach Baileys in status@broadcast,
/// decrypted to the same text, colour and bytes, and nobody outside the audience gets them; a status Baileys posts to
/// the session is a <c>status.received</c> event, and no chat; a post without an audience is a 400; gRPC posts too.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class StatusPostTests(StatusNode node, ITestOutputHelper output) : IClassFixture<StatusNode>, IDisposable
{
    private const string Session = StatusNode.Session;
    private const string StatusChat = "status@broadcast";
    private const string ChatB = StatusNode.PhoneB + "@s.whatsapp.net";
    private static readonly TimeSpan Timeout = StatusNode.Timeout;

    private EdgeNode Node => node.Node;

    private BaileysClient Bob => node.Bob;

    [Fact]
    public async Task A_text_and_an_image_status_reach_Baileys_in_status_broadcast_and_nobody_outside_the_audience()
    {
        var textId = await PostAsync(new { type = "text", text = "our first story", backgroundColor = "#FF336699", font = "fb_script", audience = new[] { "+" + StatusNode.PhoneB } }, "status-text");
        var image = RandomNumberGenerator.GetBytes(48_000);
        var imageId = await PostAsync(new { type = "image", media = new { base64 = Convert.ToBase64String(image), mimetype = "image/png", caption = "a story photo" }, audience = new[] { ChatB } }, "status-image");

        var text = await Bob.WaitForMessageAsync(m => m.Key.Id == textId, "Baileys to receive the text status", Timeout);
        Assert.Equal((StatusChat, "our first story"), (text.Key.RemoteJid, text.Text));
        var extended = text.Data.GetProperty("content").GetProperty("extendedTextMessage");
        Assert.Equal(0xFF336699u, extended.GetProperty("backgroundArgb").GetUInt32());
        Assert.Equal(JsonValueKind.Number, extended.GetProperty("font").ValueKind);

        var photo = await Bob.WaitForMessageAsync(m => m.Key.Id == imageId && m.HasMedia, "Baileys to receive the image status", Timeout);
        Assert.Equal((StatusChat, "imageMessage", "a story photo"), (photo.Key.RemoteJid, photo.Type, photo.Caption));
        Assert.Equal(image, await Bob.DownloadMediaAsync(imageId));

        // Baileys' delivery receipt comes back through status@broadcast as the post's message.status.
        await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, e => e.Any(x => x.GetProperty("type").GetString() == "message.status"
            && x.GetProperty("payload").GetProperty("id").GetString() == textId && x.GetProperty("payload").GetProperty("status").GetString() == "delivered"
            && x.GetProperty("payload").GetProperty("chat").GetString() == StatusChat), "the text status to be delivered");

        // Our own phone sees what we posted; the third account, outside the audience, got nothing.
        await Eventually.WaitForAsync(() => SimulatorPhones.MessagesAsync(Node.Simulator, StatusNode.PhoneA), m => m.Any(x => x.Id == textId && x.Chat == StatusChat), "our own phone to see the status");
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(Node.Simulator, StatusNode.PhoneC), m => m.Id == textId || m.Id == imageId || m.Chat == StatusChat);

        // A status is no chat in the store: once a text sent after the posts is in it, there is still no status@broadcast.
        var marker = await WebhookTestKit.SendTextAsync(Node.Http, Session, ChatB, "after the posts");
        var chats = await Eventually.WaitForAsync(() => ChatsAsync(), c => c.Any(x => x.GetProperty("lastMessage").GetProperty("id").GetString() == marker), "the store to take our text");
        Assert.DoesNotContain(chats, c => c.GetProperty("jid").GetString() == StatusChat);
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task A_status_Baileys_posts_to_the_session_is_a_status_received_event_with_its_text_and_author_and_no_chat()
    {
        var posted = await Bob.SendStatusAsync(new { text = "baileys story" }, [StatusNode.PhoneA + "@s.whatsapp.net"]);

        var events = await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, e => e.Any(x => x.GetProperty("type").GetString() == "status.received"
            && x.GetProperty("payload").GetProperty("id").GetString() == posted.Id), "the status.received event");
        var payload = events.Single(x => x.GetProperty("type").GetString() == "status.received" && x.GetProperty("payload").GetProperty("id").GetString() == posted.Id).GetProperty("payload");
        Assert.Equal(("text", "baileys story", false), (payload.GetProperty("type").GetString(), payload.GetProperty("text").GetString(), payload.GetProperty("fromMe").GetBoolean()));
        Assert.Contains(ChatB, new[] { payload.GetProperty("sender").GetString(), payload.GetProperty("senderAlt").GetString() });
        Assert.DoesNotContain(events, x => x.GetProperty("type").GetString() == "message.received" && x.GetProperty("payload").GetProperty("id").GetString() == posted.Id);

        // The store has read past the status once Baileys' next text is in a chat: the status made none.
        var marker = await Bob.SendTextAsync(StatusNode.PhoneA + "@s.whatsapp.net", "after the story");
        var chats = await Eventually.WaitForAsync(() => ChatsAsync(), c => c.Any(x => x.GetProperty("lastMessage").GetProperty("id").GetString() == marker.Id), "the store to take Baileys' text");
        Assert.DoesNotContain(chats, c => c.GetProperty("jid").GetString() == StatusChat);
    }

    [Fact]
    public async Task A_status_without_an_audience_or_with_a_bad_one_is_a_400_problem()
    {
        await AssertProblemAsync(new { type = "text", text = "to nobody", audience = Array.Empty<string>() });
        await AssertProblemAsync(new { type = "text", text = "to nobody" });
        await AssertProblemAsync(new { type = "text", text = "to a group", audience = new[] { "120363000000000001@g.us" } });
        await AssertProblemAsync(new { type = "text", text = "bad colour", backgroundColor = "blue", audience = new[] { ChatB } });
        await AssertProblemAsync(new { type = "location", audience = new[] { ChatB } });
    }

    [Fact]
    public async Task gRPC_posts_text_image_video_and_voice_statuses_that_reach_Baileys_and_refuses_an_empty_audience()
    {
        using var grpc = new GrpcCaller(Node);
        var request = new V1.PostStatusRequest { Session = Session, IdempotencyKey = "grpc-status", Type = "text", Text = "grpc story", Audience = { ChatB } };
        var accepted = await grpc.Messages.PostStatusAsync(request, deadline: GrpcCaller.Deadline);

        var received = await Bob.WaitForMessageAsync(m => m.Key.Id == accepted.Id, "Baileys to receive the gRPC status", Timeout);
        Assert.Equal((StatusChat, "grpc story"), (received.Key.RemoteJid, received.Text));

        foreach (var (type, mimetype, baileysType) in new[] { ("image", "image/jpeg", "imageMessage"), ("video", "video/mp4", "videoMessage"), ("voice", "audio/ogg; codecs=opus", "audioMessage") })
        {
            var bytes = RandomNumberGenerator.GetBytes(30_000);
            var posted = await grpc.Messages.PostStatusAsync(new V1.PostStatusRequest
            {
                Session = Session, IdempotencyKey = "grpc-status-" + type, Type = type, Audience = { ChatB },
                Media = new V1.Media { Data = Google.Protobuf.ByteString.CopyFrom(bytes), Mimetype = mimetype },
            }, deadline: GrpcCaller.Deadline);
            var file = await Bob.WaitForMessageAsync(m => m.Key.Id == posted.Id && m.HasMedia, $"Baileys to receive the gRPC {type} status", Timeout);
            Assert.Equal((StatusChat, baileysType), (file.Key.RemoteJid, file.Type));
            Assert.Equal(bytes, await Bob.DownloadMediaAsync(posted.Id));
        }

        var refused = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => grpc.Messages.PostStatusAsync(
            new V1.PostStatusRequest { Session = Session, IdempotencyKey = "grpc-status-empty", Type = "text", Text = "nobody" }, deadline: GrpcCaller.Deadline).ResponseAsync);
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, refused.StatusCode);
    }

    private async Task<List<JsonElement>> ChatsAsync() =>
        [.. (await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats")).GetProperty("chats").EnumerateArray()];

    private async Task<string> PostAsync(object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/status") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Node.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"post: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task AssertProblemAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/status") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "refused-" + Guid.NewGuid().ToString("N"));
        using var response = await Node.Http.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 for {JsonSerializer.Serialize(body)}, got {(int)response.StatusCode} {problem}");
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
    }

    public void Dispose()
    {
        while (node.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }
}
