using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Grpc;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;
using V1 = SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// Replies, mentions, edits, revokes, locations, contact cards and polls sent through REST, gRPC and the Cloud facade
/// reach a real Baileys companion (tests/Interop) of another account through the simulator, and Baileys' normalized
/// content shows each as WhatsApp defines it: contextInfo.stanzaId and quotedMessage, mentionedJid, protocolMessage
/// MESSAGE_EDIT (14) with editedMessage and REVOKE (0) naming the original, locationMessage, contactMessage /
/// contactsArrayMessage, pollCreationMessage(V3) with its options and a 32-byte messageSecret. Refusals send nothing.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class OutboundKindsSendTests(MediaNode media, ITestOutputHelper output) : IClassFixture<MediaNode>, IDisposable
{
    private const string PhoneA = MediaNode.PhoneA;
    private const string PhoneB = MediaNode.PhoneB;
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";
    private const string Session = MediaNode.Session;
    private const int MessageEdit = 14;
    private const int Revoke = 0;
    private static readonly TimeSpan Timeout = MediaNode.Timeout;

    private EdgeNode Node => media.Node;

    private BaileysClient Bob => media.Bob;

    [Fact]
    public async Task REST_Cloud_and_gRPC_replies_quote_the_message_with_its_text_and_mentions_name_the_user()
    {
        var theirs = await Bob.SendTextAsync(ChatA, "quote me");
        await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, events => events.Any(e => e.GetProperty("type").GetString() == "message.received" &&
            e.GetProperty("payload").GetProperty("id").GetString() == theirs.Id), "the session to receive Baileys' text");

        var reply = await RestSendAsync(new { to = ChatB, type = "text", text = $"@{PhoneB} see above", replyTo = theirs.Id, mentions = new[] { "+" + PhoneB } }, "reply-theirs");
        var info = Walk(await ContentAsync(reply), "extendedTextMessage", "contextInfo");
        Assert.Equal(theirs.Id, Str(info, "stanzaId"));
        Assert.Equal("quote me", Str(info, "quotedMessage", "conversation"));
        // Bob's own user jid as the server named the sender (its phone number, or its LID where the server uses those).
        Assert.False(string.IsNullOrEmpty(Str(info, "participant")));
        Assert.Equal([ChatB], info!.Value.GetProperty("mentionedJid").EnumerateArray().Select(j => j.GetString()));

        // A Cloud reply (context.message_id) to a message the session itself sent quotes it as ours.
        var ours = await RestSendAsync(new { to = ChatB, type = "text", text = "our question" }, "reply-ours-original");
        await Bob.WaitForMessageAsync(m => m.Key.Id == ours, "Baileys to receive our text", Timeout);
        var cloudReply = await CloudSendAsync($$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","context":{"message_id":"{{{ours}}}"},"type":"text","text":{"body":"and our answer"}}""");
        var cloudInfo = Walk(await ContentAsync(cloudReply), "extendedTextMessage", "contextInfo");
        Assert.Equal((ours, "our question", ChatA), (Str(cloudInfo, "stanzaId"), Str(cloudInfo, "quotedMessage", "conversation"), Str(cloudInfo, "participant")));

        // gRPC's reply_to and mentions are REST's.
        using var grpc = new GrpcCaller(Node);
        var grpcReply = await grpc.Messages.SendAsync(new V1.SendMessageRequest
        {
            Session = Session, IdempotencyKey = "reply-grpc", To = ChatB, Type = "text", Text = $"@{PhoneB} over grpc", ReplyTo = theirs.Id, Mentions = { PhoneB },
        }, deadline: GrpcCaller.Deadline);
        var grpcInfo = Walk(await ContentAsync(grpcReply.Id), "extendedTextMessage", "contextInfo");
        Assert.Equal((theirs.Id, "quote me"), (Str(grpcInfo, "stanzaId"), Str(grpcInfo, "quotedMessage", "conversation")));
        Assert.Equal([ChatB], grpcInfo!.Value.GetProperty("mentionedJid").EnumerateArray().Select(j => j.GetString()));

        // A reply with a location rides on the location itself.
        var located = await RestSendAsync(new { to = ChatB, type = "location", location = new { latitude = 48.8584, longitude = 2.2945 }, replyTo = theirs.Id }, "reply-location");
        Assert.Equal(theirs.Id, Str(await ContentAsync(located), "locationMessage", "contextInfo", "stanzaId"));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task An_edit_and_a_revoke_of_our_text_reach_Baileys_as_protocol_messages_naming_the_original()
    {
        var original = await RestSendAsync(new { to = ChatB, type = "text", text = "teh typo" }, "edit-original");
        await Bob.WaitForMessageAsync(m => m.Key.Id == original && m.Text == "teh typo", "Baileys to receive the original", Timeout);

        var edit = await ActAsync(original, "edit", new { text = "the typo" }, "edit-1");
        var edited = Walk(await ContentAsync(edit), "protocolMessage");
        Assert.Equal(MessageEdit, Int(edited, "type"));
        Assert.Equal(original, Str(edited, "key", "id"));
        Assert.Equal("the typo", Str(edited, "editedMessage", "conversation"));
        // The same Idempotency-Key answers the same edit.
        Assert.Equal(edit, await ActAsync(original, "edit", new { text = "the typo" }, "edit-1"));

        // gRPC edits it again.
        using var grpc = new GrpcCaller(Node);
        var again = await grpc.Messages.EditAsync(new V1.EditMessageRequest { Session = Session, IdempotencyKey = "edit-grpc", MessageId = original, Text = "the fix" }, deadline: GrpcCaller.Deadline);
        Assert.Equal("the fix", Str(await ContentAsync(again.Id), "protocolMessage", "editedMessage", "conversation"));
        // The store folds our edits into the message: it shows the latest text and when it was edited.
        var stored = await StoredAsync(original);
        Assert.Equal("the fix", stored.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, stored.GetProperty("editedAt").ValueKind);

        var revoke = await ActAsync(original, "revoke", null, "revoke-1");
        var revoked = Walk(await ContentAsync(revoke), "protocolMessage");
        Assert.Equal(Revoke, Int(revoked, "type"));
        Assert.Equal(original, Str(revoked, "key", "id"));
        stored = await StoredAsync(original);
        Assert.Equal((JsonValueKind.Null, false), (stored.GetProperty("text").ValueKind, stored.GetProperty("revokedAt").ValueKind == JsonValueKind.Null));

        // :react is the reaction send by another route.
        var react = await ActAsync(original, "react", new { emoji = "🎉" }, "react-1");
        var reaction = (await Bob.WaitForMessageAsync(m => m.Key.Id == react && m.Type == "reactionMessage", "Baileys to receive the reaction", Timeout)).Data.GetProperty("reaction");
        Assert.Equal((original, "🎉"), (Str(reaction, "key", "id"), Str(reaction, "text")));
        Assert.Empty(Bob.Errors);
    }

    /// <summary>Our stored message with that id in the chat with Baileys, as the messages page shows it.</summary>
    private async Task<JsonElement> StoredAsync(string id) =>
        (await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats/{ChatB}/messages?limit=200")).GetProperty("messages").EnumerateArray()
            .Single(m => m.GetProperty("id").GetString() == id);

    [Fact]
    public async Task Locations_contact_cards_and_polls_reach_Baileys_as_such_from_REST_Cloud_and_gRPC_and_gRPC_revokes_one()
    {
        var pin = await RestSendAsync(new { to = ChatB, type = "location", location = new { latitude = 52.52, longitude = 13.405, name = "Office", address = "Alexanderplatz 1" } }, "location");
        var location = Walk(await ContentAsync(pin), "locationMessage");
        Assert.Equal((52.52, 13.405, "Office", "Alexanderplatz 1"), (Dbl(location, "degreesLatitude"), Dbl(location, "degreesLongitude"), Str(location, "name"), Str(location, "address")));

        var cloudPin = await CloudSendAsync($$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","type":"location","location":{"latitude":"-33.8568","longitude":151.2153,"name":"Opera House"}}""");
        Assert.Equal((-33.8568, "Opera House"), (Dbl(await ContentAsync(cloudPin), "locationMessage", "degreesLatitude"), Str(await ContentAsync(cloudPin), "locationMessage", "name")));

        const string vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Example\nTEL;type=CELL;waid=15550009999:+15550009999\nEND:VCARD";
        var card = await RestSendAsync(new { to = ChatB, type = "contact", contact = new { displayName = "Ann Example", vcard } }, "contact");
        var contact = Walk(await ContentAsync(card), "contactMessage");
        Assert.Equal(("Ann Example", vcard), (Str(contact, "displayName"), Str(contact, "vcard")));

        var cards = await CloudSendAsync($$$"""
            {"messaging_product":"whatsapp","to":"{{{PhoneB}}}","type":"contacts","contacts":[
              {"name":{"formatted_name":"Ann Example","first_name":"Ann"},"phones":[{"phone":"+1 555 000 9999","wa_id":"15550009999","type":"CELL"}]},
              {"name":{"formatted_name":"Bo Example"},"phones":[{"phone":"+44 20 7946 0000"}]}]}
            """);
        var array = Walk(await ContentAsync(cards), "contactsArrayMessage");
        var listed = array!.Value.GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal(["Ann Example", "Bo Example"], listed.Select(c => Str(c, "displayName")));
        Assert.Contains("waid=15550009999:+15550009999", Str(listed[0], "vcard"), StringComparison.Ordinal);
        Assert.Contains("waid=442079460000", Str(listed[1], "vcard"), StringComparison.Ordinal);

        var single = await RestSendAsync(new { to = ChatB, type = "poll", poll = new { name = "Lunch?", options = new[] { "pizza", "sushi", "salad" } } }, "poll-single");
        var singleContent = await ContentAsync(single);
        Assert.Equal("Lunch?", Str(singleContent, "pollCreationMessageV3", "name"));
        Assert.Equal(["pizza", "sushi", "salad"], Walk(singleContent, "pollCreationMessageV3", "options")!.Value.EnumerateArray().Select(o => Str(o, "optionName")));
        Assert.Equal(1, Int(singleContent, "pollCreationMessageV3", "selectableOptionsCount"));
        Assert.Equal(32, Convert.FromBase64String(Str(singleContent, "messageContextInfo", "messageSecret")!).Length);

        using var grpc = new GrpcCaller(Node);
        var grpcPin = await grpc.Messages.SendAsync(new V1.SendMessageRequest
        {
            Session = Session, IdempotencyKey = "location-grpc", To = ChatB, Type = "location", Location = new V1.Location { Latitude = 35.6586, Longitude = 139.7454, Name = "Tower" },
        }, deadline: GrpcCaller.Deadline);
        var grpcLocation = Walk(await ContentAsync(grpcPin.Id), "locationMessage");
        Assert.Equal((35.6586, 139.7454, "Tower"), (Dbl(grpcLocation, "degreesLatitude"), Dbl(grpcLocation, "degreesLongitude"), Str(grpcLocation, "name")));
        var grpcCard = await grpc.Messages.SendAsync(new V1.SendMessageRequest
        {
            Session = Session, IdempotencyKey = "contact-grpc", To = ChatB, Type = "contact", Contacts = { new V1.ContactCard { DisplayName = "Ann Example", Vcard = vcard } },
        }, deadline: GrpcCaller.Deadline);
        Assert.Equal(("Ann Example", vcard), (Str(await ContentAsync(grpcCard.Id), "contactMessage", "displayName"), Str(await ContentAsync(grpcCard.Id), "contactMessage", "vcard")));
        // A revoke of our own message (any kind, not only texts) names it.
        var grpcRevoke = await grpc.Messages.RevokeAsync(new V1.RevokeMessageRequest { Session = Session, IdempotencyKey = "revoke-grpc", MessageId = grpcPin.Id }, deadline: GrpcCaller.Deadline);
        var grpcRevoked = Walk(await ContentAsync(grpcRevoke.Id), "protocolMessage");
        Assert.Equal((Revoke, grpcPin.Id), (Int(grpcRevoked, "type"), Str(grpcRevoked, "key", "id")));

        var request = new V1.SendMessageRequest { Session = Session, IdempotencyKey = "poll-multi", To = ChatB, Type = "poll", Poll = new V1.Poll { Name = "Days?", SelectableCount = 2 } };
        request.Poll.Options.AddRange(new[] { "mon", "tue", "wed" });
        var multi = await grpc.Messages.SendAsync(request, deadline: GrpcCaller.Deadline);
        var multiContent = await ContentAsync(multi.Id);
        Assert.Equal(("Days?", 2), (Str(multiContent, "pollCreationMessage", "name"), Int(multiContent, "pollCreationMessage", "selectableOptionsCount")));
        Assert.NotEqual(Str(singleContent, "messageContextInfo", "messageSecret"), Str(multiContent, "messageContextInfo", "messageSecret"));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task Edits_and_revokes_of_messages_not_ours_or_not_texts_replies_to_unknown_ids_and_bad_bodies_are_refused_and_nothing_is_sent()
    {
        var theirs = await Bob.SendTextAsync(ChatA, "not yours to edit");
        await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, events => events.Any(e => e.GetProperty("type").GetString() == "message.received" &&
            e.GetProperty("payload").GetProperty("id").GetString() == theirs.Id), "the session to receive Baileys' text");
        var pin = await RestSendAsync(new { to = ChatB, type = "location", location = new { latitude = 1.5, longitude = 2.5 } }, "refusals-location");
        await Bob.WaitForMessageAsync(m => m.Key.Id == pin, "Baileys to receive the location", Timeout);
        var before = Bob.Events.OfType<BaileysMessage>().Count();

        await AssertProblemAsync(Action(theirs.Id!, "edit", new { text = "mine now" }), HttpStatusCode.UnprocessableEntity, "message_not_editable");
        await AssertProblemAsync(Action(pin, "edit", new { text = "a text now" }), HttpStatusCode.UnprocessableEntity, "message_not_editable");
        await AssertProblemAsync(Action(theirs.Id!, "revoke", null), HttpStatusCode.UnprocessableEntity, "message_not_revocable");
        await AssertProblemAsync(Action("3EB0000000000000000000", "edit", new { text = "x" }), HttpStatusCode.NotFound, "message_not_found");
        await AssertProblemAsync(Action("3EB0000000000000000000", "revoke", null), HttpStatusCode.NotFound, "message_not_found");
        await AssertProblemAsync(Send(new { to = ChatB, type = "text", text = "hm?", replyTo = "3EB0000000000000000000" }), HttpStatusCode.NotFound, "message_not_found");
        await AssertProblemAsync(Send(new { to = ChatB, type = "text", text = "hi you", mentions = new[] { ChatB } }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(Send(new { to = ChatB, type = "poll", poll = new { name = "one?", options = new[] { "only" } } }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(Send(new { to = ChatB, type = "location", location = new { latitude = 91, longitude = 0 } }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(Send(new { to = ChatB, type = "contact", contact = new { displayName = "x", vcard = "not a card" } }), HttpStatusCode.BadRequest, "invalid_request");

        using var grpc = new GrpcCaller(Node);
        var notOurs = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Messages.RevokeAsync(
            new V1.RevokeMessageRequest { Session = Session, IdempotencyKey = "grpc-revoke-theirs", MessageId = theirs.Id }, deadline: GrpcCaller.Deadline));
        Assert.Equal(StatusCode.InvalidArgument, notOurs.StatusCode);
        Assert.Equal("message_not_revocable", notOurs.Trailers.GetValue("problem-code"));

        using (var unsupported = await CloudClient().PostAsync($"/cloud/v21.0/{Session}/messages", Json(
            $$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","type":"interactive","interactive":{"type":"button"}}""")))
        {
            Assert.Equal(131051, (await unsupported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetInt32());
        }

        using (var unknownQuote = await CloudClient().PostAsync($"/cloud/v21.0/{Session}/messages", Json(
            $$$"""{"messaging_product":"whatsapp","to":"{{{PhoneB}}}","context":{"message_id":"3EB0000000000000000000"},"type":"text","text":{"body":"x"}}""")))
        {
            Assert.Equal(131009, (await unknownQuote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetInt32());
        }

        // Nothing reached Baileys: a text sent now is the next thing it sees.
        var marker = await RestSendAsync(new { to = ChatB, type = "text", text = "after the refusals" }, "kinds-after-refusals");
        await Bob.WaitForMessageAsync(m => m.Key.Id == marker, "Baileys to receive the marker", Timeout);
        Assert.Equal([marker], Bob.Events.OfType<BaileysMessage>().Skip(before).Where(m => !m.Key.FromMe).Select(m => m.Key.Id).Distinct());
    }

    public void Dispose()
    {
        while (media.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }

    /// <summary>Baileys' normalized content of our message <paramref name="id"/>, once it arrives.</summary>
    private async Task<JsonElement> ContentAsync(string id) =>
        (await Bob.WaitForMessageAsync(m => m.Key.Id == id && !m.Key.FromMe, $"Baileys to receive {id}", Timeout)).Data.GetProperty("content");

    private HttpClient CloudClient()
    {
        var client = new HttpClient { BaseAddress = Node.Http.BaseAddress, Timeout = Timeout };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", EdgeNode.AdminKey);
        return client;
    }

    private async Task<string> CloudSendAsync(string json)
    {
        using var cloud = CloudClient();
        using var sent = await cloud.PostAsync($"/cloud/v21.0/{Session}/messages", Json(json));
        Assert.True(sent.StatusCode == HttpStatusCode.OK, $"cloud send: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
        return (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("id").GetString()!;
    }

    private Task<string> RestSendAsync(object body, string key) => AcceptedAsync(Send(body), key);

    private Task<string> ActAsync(string messageId, string action, object? body, string key) => AcceptedAsync(Action(messageId, action, body), key);

    private static HttpRequestMessage Send(object body) => new(HttpMethod.Post, $"/v1/sessions/{Session}/messages") { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Action(string messageId, string action, object? body) =>
        new(HttpMethod.Post, $"/v1/sessions/{Session}/messages/{messageId}:{action}") { Content = body is null ? null : JsonContent.Create(body) };

    private async Task<string> AcceptedAsync(HttpRequestMessage request, string key)
    {
        using (request)
        {
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Node.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
    }

    private async Task AssertProblemAsync(HttpRequestMessage request, HttpStatusCode status, string code)
    {
        using (request)
        {
            request.Headers.Add("Idempotency-Key", "refused-" + Guid.NewGuid().ToString("N"));
            using var response = await Node.Http.SendAsync(request);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == status, $"{request.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {problem}");
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static string? Str(JsonElement? e, params string[] path) => Walk(e, path) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static int? Int(JsonElement? e, params string[] path) => Walk(e, path) is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : null;

    private static double? Dbl(JsonElement? e, params string[] path) => Walk(e, path) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;

    private static JsonElement? Walk(JsonElement? e, params string[] path)
    {
        foreach (var name in path)
        {
            if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var next))
            {
                return null;
            }

            e = next;
        }

        return e;
    }
}
