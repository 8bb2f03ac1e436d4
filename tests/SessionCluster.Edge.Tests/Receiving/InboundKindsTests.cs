using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Linking;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;

namespace SessionCluster.Edge.Tests.Receiving;

/// <summary>
/// A real Baileys companion (tests/Interop, installed from its lockfile) of another account sends every content kind
/// to our session through the simulator: files, a voice note, a reaction to our message, an edit, a revoke, a location,
/// a contact card, a poll and a reply quoting our message with a mention, and shows typing, recording and paused in our
/// chat. The session's events
/// (<c>GET /v1/sessions/{id}/events</c>) show each as its type with its content and no media secrets, the store keeps
/// the real kind and caption, and a Cloud-format webhook gets the image and the reaction in Meta's shapes.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class InboundKindsTests(InboundNode inbound, ITestOutputHelper output) : IClassFixture<InboundNode>, IDisposable
{
    private const string Session = InboundNode.Session;
    private const string ChatA = InboundNode.PhoneA + "@s.whatsapp.net";
    private const string ChatB = InboundNode.PhoneB + "@s.whatsapp.net";
    private static readonly TimeSpan Timeout = InboundNode.Timeout;

    private EdgeNode Node => inbound.Node;

    private BaileysClient Bob => inbound.Bob;

    [Fact]
    public async Task Baileys_files_arrive_as_image_voice_and_document_events_with_their_content_and_no_media_secrets()
    {
        var image = RandomNumberGenerator.GetBytes(20_000);
        var voice = RandomNumberGenerator.GetBytes(12_000);
        var document = RandomNumberGenerator.GetBytes(30_000);
        var imageKey = await Bob.SendContentAsync(ChatA, new { image = new { base64 = Convert.ToBase64String(image) }, caption = "the photo", mimetype = "image/png" });
        var voiceKey = await Bob.SendContentAsync(ChatA, new { audio = new { base64 = Convert.ToBase64String(voice) }, ptt = true, mimetype = "audio/ogg; codecs=opus" });
        var documentKey = await Bob.SendContentAsync(ChatA, new
        {
            document = new { base64 = Convert.ToBase64String(document) }, mimetype = "application/pdf", fileName = "Q3 report.pdf", caption = "the report",
        });

        var shown = await EventAsync("message.received", imageKey.Id!);
        Assert.Equal(("image", "the photo"), (Str(shown, "type"), Str(shown, "text")));
        var content = shown.GetProperty("content");
        Assert.Equal(("image/png", "the photo", Convert.ToBase64String(SHA256.HashData(image)), (ulong)image.Length),
            (Str(content, "mimetype"), Str(content, "caption"), Str(content, "sha256"), content.GetProperty("fileLength").GetUInt64()));
        Assert.Equal($"/v1/sessions/{Session}/messages/{imageKey.Id}/media", Str(content, "mediaUrl"));

        var note = await EventAsync("message.received", voiceKey.Id!);
        Assert.Equal(("voice", "audio/ogg; codecs=opus", Convert.ToBase64String(SHA256.HashData(voice))),
            (Str(note, "type"), Str(note.GetProperty("content"), "mimetype"), Str(note.GetProperty("content"), "sha256")));

        var file = await EventAsync("message.received", documentKey.Id!);
        Assert.Equal(("document", "the report", "Q3 report.pdf", "application/pdf"),
            (Str(file, "type"), Str(file, "text"), Str(file.GetProperty("content"), "fileName"), Str(file.GetProperty("content"), "mimetype")));

        // What Baileys put in the message to fetch and decrypt the file never reaches the API.
        var sent = (await Bob.WaitForMessageAsync(m => m.Key.Id == imageKey.Id, "Baileys' own copy of the image", Timeout)).Data.GetProperty("content").GetProperty("imageMessage");
        var events = JsonSerializer.Serialize(await WebhookTestKit.EventsAsync(Node.Http, Session));
        foreach (var secret in new[] { "mediaKey", "directPath", "fileEncSha256", Str(sent, "mediaKey")!, Str(sent, "directPath")!, Str(sent, "fileEncSha256")! })
        {
            Assert.DoesNotContain(secret, events, StringComparison.OrdinalIgnoreCase);
        }

        // The store keeps each with its kind and caption.
        var stored = await Eventually.WaitForAsync(MessagesAsync, m => m.Any(x => Str(x, "id") == documentKey.Id), "the store to keep the document");
        Assert.Equal(("image", "the photo"), Row(stored, imageKey.Id!));
        Assert.Equal(("voice", null), Row(stored, voiceKey.Id!));
        Assert.Equal(("document", "the report"), Row(stored, documentKey.Id!));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task Baileys_reactions_edits_and_revokes_are_their_own_events_naming_the_message_they_act_on()
    {
        var ours = await WebhookTestKit.SendTextAsync(Node.Http, Session, ChatB, "react to this");
        var ourCopy = await Bob.WaitForMessageAsync(m => m.Key.Id == ours, "Baileys to receive our text", Timeout);
        var theirs = await Bob.SendTextAsync(ChatA, "and to mine");
        var original = await EventAsync("message.received", theirs.Id!);

        var toOurs = await Bob.SendContentAsync(ChatA, new { react = new { text = "👍", key = ourCopy.Key.Raw } });
        var reaction = await EventAsync("message.reaction", toOurs.Id!);
        Assert.Equal((ours, true, "👍", false), (Str(reaction, "targetId"), reaction.GetProperty("targetFromMe").GetBoolean(), Str(reaction, "emoji"), reaction.GetProperty("removed").GetBoolean()));
        // The store keeps it beside our message, naming Baileys' account.
        var reacted = await Eventually.WaitForAsync(() => StoredAsync(ours), m => m.ValueKind == JsonValueKind.Object && m.GetProperty("reactions").GetArrayLength() == 1,
            "the store to keep the reaction beside our message");
        var kept = reacted.GetProperty("reactions")[0];
        Assert.Equal((ChatB, false, "👍"), (Str(kept, "from"), kept.GetProperty("fromMe").GetBoolean(), Str(kept, "emoji")));

        var toTheirs = await Bob.SendContentAsync(ChatA, new { react = new { text = "", key = theirs.Raw } });
        var removed = await EventAsync("message.reaction", toTheirs.Id!);
        Assert.Equal((theirs.Id, false, true), (Str(removed, "targetId"), removed.GetProperty("targetFromMe").GetBoolean(), removed.GetProperty("removed").GetBoolean()));

        await Bob.SendContentAsync(ChatA, new { edit = theirs.Raw, text = "and to mine, edited" });
        var edited = await EventAsync("message.edited", theirs.Id!);
        Assert.Equal(("text", "and to mine, edited"), (Str(edited, "type"), Str(edited, "text")));
        // The store folds the edit into the message: its text is the new one, and it says when.
        var stored = await Eventually.WaitForAsync(() => StoredAsync(theirs.Id!), m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("editedAt", out var at) && at.ValueKind != JsonValueKind.Null, "the store to fold the edit");
        Assert.Equal("and to mine, edited", Str(stored, "text"));

        await Bob.SendContentAsync(ChatA, new { delete = theirs.Raw });
        var revoked = await EventAsync("message.revoked", theirs.Id!);
        Assert.Equal(Str(original, "sender"), Str(revoked, "by"));
        stored = await Eventually.WaitForAsync(() => StoredAsync(theirs.Id!), m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("revokedAt", out var at) && at.ValueKind != JsonValueKind.Null, "the store to fold the revoke");
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("text").ValueKind);
        Assert.Empty(Bob.Errors);
    }

    /// <summary>The stored message with that id in the chat with Baileys, as the messages page shows it.</summary>
    private async Task<JsonElement> StoredAsync(string id) =>
        (await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{ChatB}/messages?limit=200")).GetProperty("messages").EnumerateArray()
            .FirstOrDefault(m => m.GetProperty("id").GetString() == id);

    [Fact]
    public async Task Baileys_locations_contact_cards_polls_and_replies_with_mentions_arrive_with_their_content()
    {
        var location = await Bob.SendContentAsync(ChatA, new { location = new { degreesLatitude = 52.52, degreesLongitude = 13.405, name = "Berlin", address = "Mitte" } });
        var place = (await EventAsync("message.received", location.Id!)).GetProperty("content");
        Assert.Equal((52.52, 13.405, "Berlin", "Mitte"), (place.GetProperty("latitude").GetDouble(), place.GetProperty("longitude").GetDouble(), Str(place, "name"), Str(place, "address")));

        const string Vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Example\nTEL;type=CELL;waid=15550611003:+1 555 061 1003\nEND:VCARD";
        var card = await Bob.SendContentAsync(ChatA, new { contacts = new { displayName = "Ann Example", contacts = new[] { new { vcard = Vcard } } } });
        var contacts = await EventAsync("message.received", card.Id!);
        Assert.Equal("contacts", Str(contacts, "type"));
        Assert.Equal(Vcard, Str(contacts.GetProperty("content").GetProperty("contacts")[0], "vcard"));

        var poll = await Bob.SendContentAsync(ChatA, new { poll = new { name = "Lunch?", values = new[] { "pizza", "salad" }, selectableCount = 1 } });
        var created = await EventAsync("message.received", poll.Id!);
        Assert.Equal(("poll", "Lunch?"), (Str(created, "type"), Str(created.GetProperty("content"), "name")));
        Assert.Equal(["pizza", "salad"], created.GetProperty("content").GetProperty("options").EnumerateArray().Select(o => o.GetString()));

        var ours = await WebhookTestKit.SendTextAsync(Node.Http, Session, ChatB, "quote me");
        await Bob.WaitForMessageAsync(m => m.Key.Id == ours, "Baileys to receive our text", Timeout);
        var reply = await Bob.SendContentAsync(ChatA, new { text = $"@{InboundNode.PhoneA} agreed", mentions = new[] { ChatA } }, quotedId: ours);
        var replied = await EventAsync("message.received", reply.Id!);
        var quoted = replied.GetProperty("content").GetProperty("quoted");
        Assert.Equal(("text", ours, "quote me"), (Str(replied, "type"), Str(quoted, "id"), Str(quoted, "text")));
        Assert.Equal([ChatA], replied.GetProperty("content").GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task A_cloud_webhook_gets_Baileys_image_and_reaction_in_Metas_shapes()
    {
        var bytes = RandomNumberGenerator.GetBytes(16_000);
        var image = await Bob.SendContentAsync(ChatA, new { image = new { base64 = Convert.ToBase64String(bytes) }, caption = "for the cloud", mimetype = "image/jpeg" });
        var ours = await WebhookTestKit.SendTextAsync(Node.Http, Session, ChatB, "cloud react");
        var ourCopy = await Bob.WaitForMessageAsync(m => m.Key.Id == ours, "Baileys to receive our text", Timeout);
        var reaction = await Bob.SendContentAsync(ChatA, new { react = new { text = "🎉", key = ourCopy.Key.Raw } });

        var posts = await inbound.Cloud.WaitForAsync(p => p.SelectMany(Messages).Count(m => Str(m, "id") == image.Id || Str(m, "id") == reaction.Id) == 2,
            "the image and the reaction as Cloud messages", Timeout);
        var messages = posts.SelectMany(Messages).ToList();
        var cloudImage = messages.Single(m => Str(m, "id") == image.Id);
        Assert.Equal(("image", InboundNode.PhoneB), (Str(cloudImage, "type"), Str(cloudImage, "from")));
        var shape = cloudImage.GetProperty("image");
        Assert.Equal(($"{Session}~{image.Id}", "image/jpeg", Convert.ToBase64String(SHA256.HashData(bytes)), "for the cloud"),
            (Str(shape, "id"), Str(shape, "mime_type"), Str(shape, "sha256"), Str(shape, "caption")));

        var cloudReaction = messages.Single(m => Str(m, "id") == reaction.Id);
        Assert.Equal(("reaction", ours, "🎉"), (Str(cloudReaction, "type"), Str(cloudReaction.GetProperty("reaction"), "message_id"), Str(cloudReaction.GetProperty("reaction"), "emoji")));
        Assert.All(posts, p => Assert.True(p.SignatureValid, "every Cloud post is signed"));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task Baileys_typing_recording_and_pausing_in_our_chat_are_chat_state_events_in_that_order()
    {
        foreach (var state in new[] { "composing", "recording", "paused" })
        {
            await Bob.SendPresenceUpdateAsync(state, ChatA);
        }

        // Baileys sends recording as <composing media="audio"/>; the simulator relays each to our account's companions.
        var events = await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, all => all.Count(e => Str(e, "type") == "chat.state") >= 3, "three chat.state events");
        var shown = events.Where(e => Str(e, "type") == "chat.state").Select(e => e.GetProperty("payload")).ToList();
        Assert.Equal([(ChatB, ChatB, "composing"), (ChatB, ChatB, "recording"), (ChatB, ChatB, "paused")],
            shown.Select(p => (Str(p, "chat"), Str(p, "sender"), Str(p, "state"))));
        Assert.Empty(Bob.Errors);
    }

    /// <summary>The payload of the session's event of <paramref name="type"/> whose payload id is <paramref name="id"/>, once it is there.</summary>
    private async Task<JsonElement> EventAsync(string type, string id)
    {
        var events = await WebhookTestKit.WaitForEventsAsync(Node.Http, Session,
            all => all.Any(e => Str(e, "type") == type && Str(e.GetProperty("payload"), "id") == id), $"a {type} event for {id}");
        return events.Last(e => Str(e, "type") == type && Str(e.GetProperty("payload"), "id") == id).GetProperty("payload");
    }

    private async Task<List<JsonElement>> MessagesAsync() =>
        [.. (await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{ChatB}/messages?limit=100")).GetProperty("messages").EnumerateArray()];

    private static (string?, string?) Row(List<JsonElement> messages, string id)
    {
        var row = messages.Single(m => Str(m, "id") == id);
        return (Str(row, "type"), Str(row, "text"));
    }

    private static IEnumerable<JsonElement> Messages(ReceivedPost post)
    {
        var value = post.Json.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
        return value.TryGetProperty("messages", out var messages) ? messages.EnumerateArray() : [];
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public void Dispose()
    {
        while (inbound.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }
}
