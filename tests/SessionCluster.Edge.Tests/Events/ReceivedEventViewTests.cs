using System.Text.Json;
using Google.Protobuf;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Protocol.Wa.E2E;
using static SessionCluster.Edge.Tests.Events.ReceivedMessages;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>
/// Every received content kind becomes its API event with its content (<see cref="MessageContentView"/>,
/// <see cref="EventView"/>): protos built here as a peer would send them, events read as the API serializes them.
/// </summary>
public sealed class ReceivedEventViewTests
{
    [Fact]
    public void A_plain_text_is_a_received_text_with_its_body_as_content()
    {
        var payload = Payload(From(new Message { Conversation = "hello" }), out var type);

        Assert.Equal("message.received", type);
        Assert.Equal(("text", "hello"), (payload.GetProperty("type").GetString(), payload.GetProperty("text").GetString()));
        Assert.Equal("hello", payload.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("content").GetProperty("quoted").ValueKind);
    }

    [Fact]
    public void A_reply_names_the_quoted_message_its_author_and_text_and_lists_its_mentions()
    {
        var context = new ContextInfo { StanzaID = "3EB0QUOTED", Participant = Own, QuotedMessage = new Message { Conversation = "the original" } };
        context.MentionedJID.Add(Own);
        context.MentionedJID.Add("15550009002@s.whatsapp.net");
        var reply = new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "@15550009000 yes", ContextInfo = context } };

        var content = Payload(From(reply), out _).GetProperty("content");

        Assert.Equal("@15550009000 yes", content.GetProperty("text").GetString());
        var quoted = content.GetProperty("quoted");
        Assert.Equal(("3EB0QUOTED", Own, "the original"), (quoted.GetProperty("id").GetString(), quoted.GetProperty("sender").GetString(), quoted.GetProperty("text").GetString()));
        Assert.Equal([Own, "15550009002@s.whatsapp.net"], content.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void Each_file_kind_is_described_with_its_type_size_hash_and_media_route_through_any_wrapper()
    {
        var document = new DocumentMessage
        {
            URL = CdnUrl, Mimetype = "application/pdf", Caption = "the report", FileName = "Q3.pdf", FileSHA256 = ByteString.CopyFrom(Sha256), FileLength = 2048,
            MediaKey = ByteString.CopyFrom(MediaKey), FileEncSHA256 = ByteString.CopyFrom(EncSha256), DirectPath = DirectPath,
        };
        var video = new VideoMessage
        {
            URL = CdnUrl, Mimetype = "video/mp4", Caption = "the clip", FileSHA256 = ByteString.CopyFrom(Sha256), FileLength = 4096, Seconds = 12, Width = 320, Height = 240,
            MediaKey = ByteString.CopyFrom(MediaKey), FileEncSHA256 = ByteString.CopyFrom(EncSha256), DirectPath = DirectPath,
        };
        var sticker = new StickerMessage
        {
            URL = CdnUrl, Mimetype = "image/webp", FileSHA256 = ByteString.CopyFrom(Sha256), FileLength = 512, Width = 512, Height = 512,
            MediaKey = ByteString.CopyFrom(MediaKey), FileEncSHA256 = ByteString.CopyFrom(EncSha256), DirectPath = DirectPath,
        };
        var cases = new (Message Message, string Kind, string Mimetype, string? Caption)[]
        {
            (new Message { EphemeralMessage = new FutureProofMessage { Message = new Message { ImageMessage = Image() } } }, "image", "image/jpeg", "a photo"),
            (new Message { ViewOnceMessageV2 = new FutureProofMessage { Message = new Message { VideoMessage = video } } }, "video", "video/mp4", "the clip"),
            (new Message { AudioMessage = Audio(ptt: false) }, "audio", "audio/ogg; codecs=opus", null),
            (new Message { AudioMessage = Audio(ptt: true) }, "voice", "audio/ogg; codecs=opus", null),
            (new Message { DocumentWithCaptionMessage = new FutureProofMessage { Message = new Message { DocumentMessage = document } } }, "document", "application/pdf", "the report"),
            (new Message { StickerMessage = sticker }, "sticker", "image/webp", null),
        };

        foreach (var c in cases)
        {
            var payload = Payload(From(c.Message, id: "3EB0FILE"), out var type);
            var content = payload.GetProperty("content");
            Assert.Equal("message.received", type);
            Assert.Equal(c.Kind, payload.GetProperty("type").GetString());
            Assert.Equal(c.Caption, payload.GetProperty("text").GetString());
            Assert.Equal(c.Mimetype, content.GetProperty("mimetype").GetString());
            Assert.Equal(c.Caption, content.GetProperty("caption").GetString());
            Assert.Equal(Convert.ToBase64String(Sha256), content.GetProperty("sha256").GetString());
            Assert.Equal($"/v1/sessions/{Session}/messages/3EB0FILE/media", content.GetProperty("mediaUrl").GetString());
        }

        var image = Payload(From(cases[0].Message), out _).GetProperty("content");
        Assert.Equal((123_456UL, 640U, 480U), (image.GetProperty("fileLength").GetUInt64(), image.GetProperty("width").GetUInt32(), image.GetProperty("height").GetUInt32()));
        Assert.Equal(7U, Payload(From(cases[3].Message), out _).GetProperty("content").GetProperty("seconds").GetUInt32());
        Assert.Equal("Q3.pdf", Payload(From(cases[4].Message), out _).GetProperty("content").GetProperty("fileName").GetString());
    }

    [Fact]
    public void No_event_or_cloud_webhook_of_a_file_carries_its_media_key_CDN_path_URL_or_encrypted_hash()
    {
        var files = new[]
        {
            new Message { ImageMessage = Image() },
            new Message { AudioMessage = Audio(ptt: true) },
            new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "see", ContextInfo = new ContextInfo { StanzaID = "Q", QuotedMessage = new Message { ImageMessage = Image() } } } },
        };
        string[] secrets = [Convert.ToBase64String(MediaKey), Convert.ToBase64String(EncSha256), Convert.ToHexString(MediaKey), DirectPath, CdnUrl, "mediaKey", "directPath", "fileEncSha256", "\"url\""];

        foreach (var file in files)
        {
            var view = View(From(file));
            var json = JsonSerializer.Serialize(view, JsonSerializerOptions.Web);
            var cloud = System.Text.Encoding.UTF8.GetString(CloudEnvelope.Build(view, "15550009000")!);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, json, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(secret, cloud, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void A_reaction_is_its_own_event_and_says_from_our_side_whether_the_reacted_message_is_ours()
    {
        // The peer reacts to our message: in their key it is not theirs (fromMe false), the chat being us.
        var toOurs = Payload(From(Reaction(Key("3EB0OURS", fromMe: false, remote: Own), "👍"), id: "3EB0REACT1"), out var type);
        Assert.Equal("message.reaction", type);
        Assert.Equal(("3EB0REACT1", "3EB0OURS", true, "👍", false),
            (toOurs.GetProperty("id").GetString(), toOurs.GetProperty("targetId").GetString(), toOurs.GetProperty("targetFromMe").GetBoolean(),
             toOurs.GetProperty("emoji").GetString(), toOurs.GetProperty("removed").GetBoolean()));

        // The peer reacts to its own message (fromMe true in its key): not ours.
        Assert.False(Payload(From(Reaction(Key("3EB0THEIRS", fromMe: true, remote: Own), "❤️")), out _).GetProperty("targetFromMe").GetBoolean());

        // Our own other device reacted: its key already speaks for our side.
        Assert.True(Payload(From(Reaction(Key("3EB0MINE", fromMe: true, remote: Peer), "😂"), sender: Own, fromMe: true), out _).GetProperty("targetFromMe").GetBoolean());
        Assert.False(Payload(From(Reaction(Key("3EB0YOURS", fromMe: false, remote: Peer), "😂"), sender: Own, fromMe: true), out _).GetProperty("targetFromMe").GetBoolean());

        // In a group the target's author decides; an empty emoji takes the reaction back.
        var inGroup = From(Reaction(Key("3EB0G", fromMe: false, remote: Group, participant: Own), ""), chat: Group);
        var group = Payload(inGroup, out _, jid => jid == Own);
        Assert.Equal((true, true, ""), (group.GetProperty("targetFromMe").GetBoolean(), group.GetProperty("removed").GetBoolean(), group.GetProperty("emoji").GetString()));
        Assert.False(Payload(From(Reaction(Key("3EB0G", fromMe: false, remote: Group, participant: Peer), "👍"), chat: Group), out _, jid => jid == Own)
            .GetProperty("targetFromMe").GetBoolean());
    }

    [Fact]
    public void A_revoke_and_an_edit_name_the_message_they_act_on_and_an_edit_carries_its_new_text()
    {
        var revoke = new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.Revoke, Key = Key("3EB0GONE", fromMe: true) } };
        var revoked = Payload(From(revoke, id: "3EB0REVOKE"), out var revokedType);
        Assert.Equal("message.revoked", revokedType);
        Assert.Equal(("3EB0GONE", Peer), (revoked.GetProperty("id").GetString(), revoked.GetProperty("by").GetString()));

        var edit = new Message
        {
            EditedMessage = new FutureProofMessage
            {
                Message = new Message
                {
                    ProtocolMessage = new ProtocolMessage
                    {
                        Type = ProtocolMessage.Types.Type.MessageEdit, Key = Key("3EB0OLD", fromMe: true), TimestampMS = 1_760_000_000_000,
                        EditedMessage = new Message { Conversation = "fixed typo" },
                    },
                },
            },
        };
        var edited = Payload(From(edit, id: "3EB0EDIT"), out var editedType);
        Assert.Equal("message.edited", editedType);
        Assert.Equal(("3EB0OLD", "text", "fixed typo"), (edited.GetProperty("id").GetString(), edited.GetProperty("type").GetString(), edited.GetProperty("text").GetString()));
        Assert.Equal("fixed typo", edited.GetProperty("content").GetProperty("text").GetString());
    }

    [Fact]
    public void Locations_contact_cards_and_polls_are_received_with_their_content()
    {
        var location = Payload(From(new Message { LocationMessage = new LocationMessage { DegreesLatitude = 52.52, DegreesLongitude = 13.405, Name = "Berlin", Address = "Mitte" } }), out _);
        Assert.Equal("location", location.GetProperty("type").GetString());
        var place = location.GetProperty("content");
        Assert.Equal((52.52, 13.405, "Berlin", "Mitte"), (place.GetProperty("latitude").GetDouble(), place.GetProperty("longitude").GetDouble(),
            place.GetProperty("name").GetString(), place.GetProperty("address").GetString()));

        const string Vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nTEL;type=CELL;waid=15550009003:+1 555 000 9003\nEND:VCARD";
        var one = Payload(From(new Message { ContactMessage = new ContactMessage { DisplayName = "Ann", Vcard = Vcard } }), out _);
        Assert.Equal("contacts", one.GetProperty("type").GetString());
        Assert.Equal(("Ann", Vcard), (one.GetProperty("content").GetProperty("contacts")[0].GetProperty("displayName").GetString(),
            one.GetProperty("content").GetProperty("contacts")[0].GetProperty("vcard").GetString()));
        var array = new ContactsArrayMessage { DisplayName = "2 contacts" };
        array.Contacts.Add(new ContactMessage { DisplayName = "Ann", Vcard = Vcard });
        array.Contacts.Add(new ContactMessage { DisplayName = "Bo", Vcard = Vcard.Replace("Ann", "Bo", StringComparison.Ordinal) });
        Assert.Equal(["Ann", "Bo"], Payload(From(new Message { ContactsArrayMessage = array }), out _).GetProperty("content").GetProperty("contacts")
            .EnumerateArray().Select(c => c.GetProperty("displayName").GetString()));

        var poll = new PollCreationMessage { Name = "Lunch?", SelectableOptionsCount = 1 };
        poll.Options.Add(new PollCreationMessage.Types.Option { OptionName = "pizza" });
        poll.Options.Add(new PollCreationMessage.Types.Option { OptionName = "salad" });
        var created = Payload(From(new Message { PollCreationMessageV3 = poll }), out var pollType);
        Assert.Equal(("message.received", "poll", "Lunch?"), (pollType, created.GetProperty("type").GetString(), created.GetProperty("text").GetString()));
        Assert.Equal(["pizza", "salad"], created.GetProperty("content").GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(1U, created.GetProperty("content").GetProperty("selectableCount").GetUInt32());
    }

    [Fact]
    public void A_poll_vote_is_its_own_event_naming_the_poll_and_saying_its_choice_is_still_encrypted()
    {
        var vote = new PollUpdateMessage
        {
            PollCreationMessageKey = Key("3EB0POLL", fromMe: true),
            Vote = new PollEncValue { EncPayload = ByteString.CopyFrom(new byte[32]), EncIv = ByteString.CopyFrom(new byte[12]) },
        };

        var payload = Payload(From(new Message { PollUpdateMessage = vote }, id: "3EB0VOTE"), out var type);

        Assert.Equal("message.poll_vote", type);
        Assert.Equal(("3EB0VOTE", "3EB0POLL", true), (payload.GetProperty("id").GetString(), payload.GetProperty("pollId").GetString(), payload.GetProperty("encrypted").GetBoolean()));
    }

    [Fact]
    public void A_kind_without_an_API_shape_is_other_and_names_its_proto_field()
    {
        var setting = Payload(From(new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.EphemeralSetting } }), out var type);

        Assert.Equal(("message.received", "other"), (type, setting.GetProperty("type").GetString()));
        Assert.Equal("protocolMessage", setting.GetProperty("content").GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Null, setting.GetProperty("text").ValueKind);
    }

    [Fact]
    public void A_live_location_update_is_its_place_precision_speed_heading_and_sequence()
    {
        var update = new LiveLocationMessage { DegreesLatitude = 38.72, DegreesLongitude = -9.14, AccuracyInMeters = 12, SpeedInMps = 1.5f, Caption = "on my way", SequenceNumber = 7 };
        var live = Payload(From(new Message { LiveLocationMessage = update }), out var type);

        Assert.Equal(("message.received", "live_location", "on my way"), (type, live.GetProperty("type").GetString(), live.GetProperty("text").GetString()));
        var content = live.GetProperty("content");
        Assert.Equal((38.72, -9.14, 12u, 1.5f, 7L), (content.GetProperty("latitude").GetDouble(), content.GetProperty("longitude").GetDouble(),
            content.GetProperty("accuracyInMeters").GetUInt32(), content.GetProperty("speedInMps").GetSingle(), content.GetProperty("sequence").GetInt64()));
        Assert.Equal(JsonValueKind.Null, content.GetProperty("heading").ValueKind);
    }

    [Fact]
    public void Every_type_an_event_can_have_is_one_streams_and_webhooks_accept_as_a_filter()
    {
        var bodies = new[]
        {
            new Message { Conversation = "x" },
            Reaction(Key("A", fromMe: false), "👍"),
            new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.Revoke, Key = Key("A", fromMe: true) } },
            new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.MessageEdit, Key = Key("A", fromMe: true), EditedMessage = new Message { Conversation = "y" } } },
            new Message { PollUpdateMessage = new PollUpdateMessage { PollCreationMessageKey = Key("A", fromMe: true) } },
        };

        var types = bodies.Select(m => EventView.TypeOf(From(m))).ToList();

        Assert.Equal(["message.received", "message.reaction", "message.revoked", "message.edited", "message.poll_vote"], types);
        Assert.All(types, t => Assert.True(EventTypes.Known.Contains(t), t));
        Assert.All(types, t => Assert.Contains(t, WebhookEventTypes.Known));
        Assert.Equal(types, bodies.Select(m => View(From(m)).Type));
    }

    private static Message Reaction(Protocol.Wa.Common.MessageKey key, string emoji) => new() { ReactionMessage = new ReactionMessage { Key = key, Text = emoji } };

    private static JsonElement Payload(SessionCluster.Sessions.MessageReceivedBody body, out string type, Func<string, bool>? isOwnAccount = null)
    {
        var view = View(body, isOwnAccount);
        type = view.Type;
        return JsonSerializer.SerializeToElement(view, JsonSerializerOptions.Web).GetProperty("payload");
    }
}
