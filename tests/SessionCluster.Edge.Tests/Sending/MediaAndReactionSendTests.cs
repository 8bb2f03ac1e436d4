using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Grpc;
using SessionCluster.Edge.Tests.Linking;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;
using V1 = SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// Files and reactions sent through the Cloud facade, REST and gRPC reach a real Baileys companion (tests/Interop,
/// installed from its lockfile) of another account through the simulator: Baileys parses each as the kind sent, with
/// its caption, type, file name or voice-note flag, and downloads and decrypts bytes identical to the original from
/// the simulator's media host; a reaction names the message it reacts to, and Baileys' own reaction is a
/// <c>message.reaction</c> event on gRPC's stream. Links come from a loopback source the node is allowed to fetch from
/// (the default refuses private addresses).
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class MediaAndReactionSendTests(MediaNode media, ITestOutputHelper output) : IClassFixture<MediaNode>, IDisposable
{
    private const string PhoneB = MediaNode.PhoneB;
    private const string ChatA = MediaNode.PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";
    private const string Session = MediaNode.Session;
    private static readonly TimeSpan Timeout = MediaNode.Timeout;

    private EdgeNode Node => media.Node;

    private BaileysClient Bob => media.Bob;

    [Fact]
    public async Task Each_cloud_media_type_by_link_reaches_Baileys_as_that_kind_and_downloads_to_identical_bytes()
    {
        var cases = new (string Type, string Served, string ContentType, string Fields, string BaileysType)[]
        {
            ("image", "photo.jpg", "image/jpeg", """ "caption":"the photo" """, "imageMessage"),
            ("video", "clip.mp4", "video/mp4", """ "caption":"the clip" """, "videoMessage"),
            ("audio", "song.mp3", "audio/mpeg", "", "audioMessage"),
            ("document", "report.pdf", "application/pdf", """ "caption":"the report","filename":"Q3 report.pdf" """, "documentMessage"),
            ("sticker", "smile.webp", "image/webp", "", "stickerMessage"),
        };
        using var cloud = CloudClient();
        foreach (var c in cases)
        {
            var bytes = RandomNumberGenerator.GetBytes(150_000 + c.Type.Length);
            var link = media.Source.Serve(c.Served, bytes, c.ContentType);
            var fields = c.Fields.Trim().Length == 0 ? "" : "," + c.Fields.Trim();
            using var sent = await cloud.PostAsync($"/cloud/v21.0/{Session}/messages", Json(
                $$$"""{"messaging_product":"whatsapp","recipient_type":"individual","to":"{{{PhoneB}}}","type":"{{{c.Type}}}","{{{c.Type}}}":{"link":"{{{link}}}"{{{fields}}}}}"""));
            Assert.True(sent.StatusCode == HttpStatusCode.OK, $"{c.Type}: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
            var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("id").GetString()!;

            var received = await Bob.WaitForMessageAsync(m => m.Key.Id == id && m.HasMedia, $"Baileys to receive the {c.Type}", Timeout);
            Assert.Equal(c.BaileysType, received.Type);
            Assert.Equal(c.ContentType, Str(received.Data, "mimetype"));
            Assert.Equal(bytes, await Bob.DownloadMediaAsync(id));
            if (c.Type is "image" or "video" or "document")
            {
                Assert.Equal(JsonDocument.Parse("{" + c.Fields + "}").RootElement.GetProperty("caption").GetString(), received.Caption);
            }

            if (c.Type == "document")
            {
                Assert.Equal("Q3 report.pdf", Str(received.Data, "fileName"));
            }
        }

        // The store keeps each send with its kind and caption.
        var messages = await Eventually.WaitForAsync(() => MessagesAsync(), m => m.Count(x => x.GetProperty("direction").GetString() == "out") >= cases.Length, "the store to keep the five sends");
        Assert.Equal(["image", "video", "audio", "document", "sticker"], messages.Where(m => m.GetProperty("direction").GetString() == "out").Select(m => m.GetProperty("type").GetString()).TakeLast(5));
        Assert.Contains(messages, m => m.GetProperty("type").GetString() == "image" && m.GetProperty("text").GetString() == "the photo");
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task Cloud_REST_and_gRPC_reactions_reach_Baileys_naming_the_message_an_empty_emoji_takes_ours_back_and_Baileys_reaction_is_a_gRPC_event()
    {
        var theirs = await Bob.SendTextAsync("15550601001@s.whatsapp.net", "react to me");
        await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, events => events.Any(e => e.GetProperty("type").GetString() == "message.received" &&
            e.GetProperty("payload").GetProperty("id").GetString() == theirs.Id), "the session to receive Baileys' text");
        using var cloud = CloudClient();

        var thumbs = await CloudSendAsync(cloud, $$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","type":"reaction","reaction":{"message_id":"{{{theirs.Id}}}","emoji":"👍"}}""");
        var reaction = await ReactionAsync(thumbs);
        // Baileys reads the key from its own side (the key we send is from ours): the reacted message is its own.
        Assert.Equal((theirs.Id, true, "👍"), (Str(reaction, "key", "id"), Bool(reaction, "key", "fromMe"), Str(reaction, "text")));

        var removed = await CloudSendAsync(cloud, $$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","type":"reaction","reaction":{"message_id":"{{{theirs.Id}}}","emoji":""}}""");
        Assert.Equal(theirs.Id, Str(await ReactionAsync(removed), "key", "id"));
        Assert.True(string.IsNullOrEmpty(Str(await ReactionAsync(removed), "text")));

        // A reaction through REST to a message the session itself sent: to Baileys, a message of the other side.
        var ours = await RestSendAsync(new { to = ChatB, type = "text", text = "our own" }, "react-own-text");
        await Bob.WaitForMessageAsync(m => m.Key.Id == ours && m.Text == "our own", "Baileys to receive our text", Timeout);
        var heart = await RestSendAsync(new { to = ChatB, type = "reaction", reaction = new { messageId = ours, emoji = "❤️" } }, "react-own");
        var mine = await ReactionAsync(heart);
        Assert.Equal((ours, false, "❤️"), (Str(mine, "key", "id"), Bool(mine, "key", "fromMe"), Str(mine, "text")));

        // gRPC's React is REST's :react.
        using var grpc = new GrpcCaller(Node);
        var wow = await grpc.Messages.ReactAsync(new V1.ReactMessageRequest { Session = Session, IdempotencyKey = "react-grpc", MessageId = theirs.Id, Emoji = "😮" }, deadline: GrpcCaller.Deadline);
        var grpcReaction = await ReactionAsync(wow.Id);
        Assert.Equal((theirs.Id, "😮"), (Str(grpcReaction, "key", "id"), Str(grpcReaction, "text")));

        // Baileys reacts to our text: a message.reaction event on the gRPC stream, naming our message.
        var fire = await Bob.SendContentAsync(ChatA, new { react = new { text = "🔥", key = new { remoteJid = ChatA, fromMe = false, id = ours } } });
        var reactions = await grpc.ReadUntilAsync(new V1.SubscribeRequest { Sessions = { Session }, Types_ = { "message.reaction" } },
            read => read.Any(e => JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("id").GetString() == fire.Id), "Baileys' reaction on the gRPC stream");
        var payload = JsonDocument.Parse(reactions.Single(e => JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("id").GetString() == fire.Id).PayloadJson).RootElement;
        Assert.Equal((ours, "🔥", true), (payload.GetProperty("targetId").GetString(), payload.GetProperty("emoji").GetString(), payload.GetProperty("targetFromMe").GetBoolean()));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task REST_and_gRPC_send_files_by_bytes_link_and_upload_id_that_Baileys_decrypts_to_identical_bytes()
    {
        var image = RandomNumberGenerator.GetBytes(64_000);
        var imageId = await RestSendAsync(new { to = "+" + PhoneB, type = "image", media = new { base64 = Convert.ToBase64String(image), mimetype = "image/png", caption = "inline" } }, "rest-image");
        var voice = RandomNumberGenerator.GetBytes(40_000);
        var link = media.Source.Serve("note.ogg", voice, "application/octet-stream");
        var voiceId = await RestSendAsync(new { to = ChatB, type = "voice", media = new { url = link.ToString() } }, "rest-voice");

        var receivedImage = await Bob.WaitForMessageAsync(m => m.Key.Id == imageId && m.HasMedia, "Baileys to receive the image", Timeout);
        Assert.Equal(("imageMessage", "inline", "image/png"), (receivedImage.Type, receivedImage.Caption, Str(receivedImage.Data, "mimetype")));
        Assert.Equal(image, await Bob.DownloadMediaAsync(imageId));
        var receivedVoice = await Bob.WaitForMessageAsync(m => m.Key.Id == voiceId && m.HasMedia, "Baileys to receive the voice note", Timeout);
        // A generic binary Content-Type says nothing: a voice note goes as WhatsApp's own voice type.
        Assert.Equal(("audioMessage", "audio/ogg; codecs=opus", true), (receivedVoice.Type, Str(receivedVoice.Data, "mimetype"), Bool(receivedVoice.Data, "ptt")));
        Assert.Equal(voice, await Bob.DownloadMediaAsync(voiceId));

        // A file uploaded first (POST /v1/uploads) is sent by its id, as often as wanted; an unknown id is 404.
        var document = RandomNumberGenerator.GetBytes(90_000);
        using var uploadBody = new ByteArrayContent(document);
        uploadBody.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        using var uploaded = await Node.Http.PostAsync("/v1/uploads?filename=terms.pdf", uploadBody);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var uploadId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var documentId = await RestSendAsync(new { to = ChatB, type = "document", media = new { uploadId } }, "rest-upload");
        var receivedDocument = await Bob.WaitForMessageAsync(m => m.Key.Id == documentId && m.HasMedia, "Baileys to receive the uploaded document", Timeout);
        Assert.Equal(("application/pdf", "terms.pdf"), (Str(receivedDocument.Data, "mimetype"), Str(receivedDocument.Data, "fileName")));
        Assert.Equal(document, await Bob.DownloadMediaAsync(documentId));
        await AssertRestProblemAsync(new { to = ChatB, type = "document", media = new { uploadId = "up_" + new string('0', 32) } }, HttpStatusCode.NotFound, "upload_not_found");

        // The same Idempotency-Key again answers the first send's id and sends nothing more.
        var again = await RestSendAsync(new { to = ChatB, type = "voice", media = new { url = link.ToString() } }, "rest-voice");
        Assert.Equal(voiceId, again);

        // gRPC: each other file kind by link or by bytes, as Baileys parses it.
        using var grpc = new GrpcCaller(Node);
        var clip = RandomNumberGenerator.GetBytes(70_000);
        var sticker = RandomNumberGenerator.GetBytes(20_000);
        var sent = new (string Type, byte[] Bytes, V1.Media Media, string BaileysType, string Mimetype)[]
        {
            ("video", clip, new V1.Media { Url = media.Source.Serve("grpc.mp4", clip, "video/mp4").ToString(), Caption = "grpc clip" }, "videoMessage", "video/mp4"),
            ("audio", voice, new V1.Media { Data = ByteString.CopyFrom(voice), Mimetype = "audio/mpeg" }, "audioMessage", "audio/mpeg"),
            ("voice", voice, new V1.Media { Data = ByteString.CopyFrom(voice) }, "audioMessage", "audio/ogg; codecs=opus"),
            ("document", document, new V1.Media { Data = ByteString.CopyFrom(document), Mimetype = "application/pdf", Filename = "grpc.pdf", Caption = "grpc doc" }, "documentMessage", "application/pdf"),
            ("sticker", sticker, new V1.Media { Url = media.Source.Serve("grpc.webp", sticker, "image/webp").ToString() }, "stickerMessage", "image/webp"),
        };
        foreach (var (type, bytes, file, baileysType, mimetype) in sent)
        {
            var accepted = await grpc.Messages.SendAsync(new V1.SendMessageRequest { Session = Session, IdempotencyKey = "grpc-" + type, To = ChatB, Type = type, Media = file }, deadline: GrpcCaller.Deadline);
            var received = await Bob.WaitForMessageAsync(m => m.Key.Id == accepted.Id && m.HasMedia, $"Baileys to receive the gRPC {type}", Timeout);
            Assert.Equal((baileysType, mimetype, type == "voice"), (received.Type, Str(received.Data, "mimetype"), Bool(received.Data, "ptt") ?? false));
            Assert.Equal(bytes, await Bob.DownloadMediaAsync(accepted.Id));
            Assert.Equal(file.Caption.Length == 0 ? null : file.Caption, received.Caption);
            Assert.Equal(file.Filename.Length == 0 ? null : file.Filename, Str(received.Data, "fileName"));
        }

        // A file streamed up through gRPC's Uploads is sent by its id, and arrives identical.
        var report = RandomNumberGenerator.GetBytes(200_000);
        using (var upload = grpc.Uploads.Upload(deadline: GrpcCaller.Deadline))
        {
            await upload.RequestStream.WriteAsync(new V1.UploadChunk { Info = new V1.UploadInfo { Mimetype = "application/pdf", Filename = "streamed.pdf" } });
            foreach (var chunk in report.Chunk(64 * 1024))
            {
                await upload.RequestStream.WriteAsync(new V1.UploadChunk { Data = ByteString.CopyFrom(chunk) });
            }

            await upload.RequestStream.CompleteAsync();
            var stored = await upload;
            Assert.Equal((report.Length, "application/pdf", "streamed.pdf"), (stored.Size, stored.Mimetype, stored.Filename));
            var byId = await grpc.Messages.SendAsync(new V1.SendMessageRequest
            {
                Session = Session, IdempotencyKey = "grpc-upload", To = ChatB, Type = "document", Media = new V1.Media { UploadId = stored.Id },
            }, deadline: GrpcCaller.Deadline);
            var streamed = await Bob.WaitForMessageAsync(m => m.Key.Id == byId.Id && m.HasMedia, "Baileys to receive the document uploaded through gRPC", Timeout);
            Assert.Equal(("application/pdf", "streamed.pdf"), (Str(streamed.Data, "mimetype"), Str(streamed.Data, "fileName")));
            Assert.Equal(report, await Bob.DownloadMediaAsync(byId.Id));
        }

        // An empty upload is refused as REST refuses it.
        using (var empty = grpc.Uploads.Upload(deadline: GrpcCaller.Deadline))
        {
            await empty.RequestStream.CompleteAsync();
            await GrpcErrors.AssertAsync(() => empty.ResponseAsync, global::Grpc.Core.StatusCode.ResourceExhausted, "media_too_large");
        }

        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task Links_that_fail_or_are_too_large_and_reactions_to_unknown_messages_are_refused_and_nothing_is_sent()
    {
        var tooLarge = media.Source.Serve("big.bin", new byte[MediaNode.MaxLinkBytes + 1], "application/pdf");
        var missing = media.Source.Url("/missing");
        using var cloud = CloudClient();
        var before = Bob.Events.OfType<BaileysMessage>().Count();

        await AssertRestProblemAsync(new { to = ChatB, type = "document", media = new { url = tooLarge.ToString() } }, HttpStatusCode.RequestEntityTooLarge, "media_too_large");
        await AssertRestProblemAsync(new { to = ChatB, type = "image", media = new { url = missing.ToString() } }, HttpStatusCode.UnprocessableEntity, "media_unreachable");
        await AssertRestProblemAsync(new { to = ChatB, type = "reaction", reaction = new { messageId = "3EB0000000000000000000", emoji = "👍" } }, HttpStatusCode.NotFound, "message_not_found");
        using (var response = await cloud.PostAsync($"/cloud/v21.0/{Session}/messages", Json(
            $$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","type":"image","image":{"link":"{{{missing}}}"}}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(131053, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetInt32());
        }

        // Nothing reached Baileys: a text sent now is the next thing it sees.
        var marker = await RestSendAsync(new { to = ChatB, type = "text", text = "after the refusals" }, "after-refusals");
        await Bob.WaitForMessageAsync(m => m.Key.Id == marker, "Baileys to receive the marker", Timeout);
        Assert.Equal([marker], Bob.Events.OfType<BaileysMessage>().Skip(before).Where(m => m.Key.FromMe == false).Select(m => m.Key.Id).Distinct());
    }

    private async Task<JsonElement> ReactionAsync(string id)
    {
        var message = await Bob.WaitForMessageAsync(m => m.Key.Id == id && m.Type == "reactionMessage", "Baileys to receive the reaction", Timeout);
        return message.Data.GetProperty("reaction");
    }

    private HttpClient CloudClient()
    {
        var client = new HttpClient { BaseAddress = Node.Http.BaseAddress, Timeout = Timeout };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", EdgeNode.AdminKey);
        return client;
    }

    private static async Task<string> CloudSendAsync(HttpClient cloud, string json)
    {
        using var sent = await cloud.PostAsync($"/cloud/v21.0/{Session}/messages", Json(json));
        Assert.True(sent.StatusCode == HttpStatusCode.OK, $"cloud send: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
        return (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("id").GetString()!;
    }

    private async Task<string> RestSendAsync(object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/messages") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Node.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task AssertRestProblemAsync(object body, HttpStatusCode status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/messages") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "refused-" + Guid.NewGuid().ToString("N"));
        using var response = await Node.Http.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {problem}");
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    private async Task<List<JsonElement>> MessagesAsync() =>
        [.. (await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{ChatB}/messages?limit=100")).GetProperty("messages").EnumerateArray()];

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static string? Str(JsonElement e, params string[] path) => Walk(e, path) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static bool? Bool(JsonElement e, params string[] path) => Walk(e, path) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : null;

    private static JsonElement? Walk(JsonElement e, string[] path)
    {
        foreach (var name in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
            {
                return null;
            }
        }

        return e;
    }

    public void Dispose()
    {
        while (media.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }
}
