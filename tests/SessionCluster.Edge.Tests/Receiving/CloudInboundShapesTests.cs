using System.Text.Json;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Protocol.Wa.E2E;
using static SessionCluster.Edge.Tests.Events.ReceivedMessages;

namespace SessionCluster.Edge.Tests.Receiving;

/// <summary>
/// Received kinds in a Cloud-format webhook take the shapes of Meta's messages webhook reference
/// (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/…): files with the
/// facade's media id, a voice note as audio with <c>voice</c>, reactions, locations, contacts and a reply's
/// <c>context</c>; kinds Cloud has no shape for are not sent.
/// </summary>
public sealed class CloudInboundShapesTests
{
    [Fact]
    public void An_image_is_a_cloud_image_whose_id_is_the_facades_media_id()
    {
        var message = CloudMessage(From(new Message { ImageMessage = Image("a photo") }, id: "3EB0IMG"));

        Assert.Equal(("image", "3EB0IMG", "15550009001"), (Str(message, "type"), Str(message, "id"), Str(message, "from")));
        var image = message.GetProperty("image");
        Assert.Equal($"{Session}~3EB0IMG", Str(image, "id"));
        Assert.Equal(("image/jpeg", Convert.ToBase64String(Sha256), "a photo"), (Str(image, "mime_type"), Str(image, "sha256"), Str(image, "caption")));
    }

    [Fact]
    public void A_voice_note_is_cloud_audio_with_voice_true_and_plain_audio_has_voice_false()
    {
        var voice = CloudMessage(From(new Message { AudioMessage = Audio(ptt: true) }));
        var audio = CloudMessage(From(new Message { AudioMessage = Audio(ptt: false) }));

        Assert.Equal(("audio", true), (Str(voice, "type"), voice.GetProperty("audio").GetProperty("voice").GetBoolean()));
        Assert.Equal(("audio", false), (Str(audio, "type"), audio.GetProperty("audio").GetProperty("voice").GetBoolean()));
    }

    [Fact]
    public void A_document_has_its_filename_and_caption()
    {
        var document = new DocumentMessage { Mimetype = "application/pdf", FileName = "Q3.pdf", Caption = "the report", FileSHA256 = Google.Protobuf.ByteString.CopyFrom(Sha256) };

        var message = CloudMessage(From(new Message { DocumentMessage = document }, id: "3EB0DOC"));

        var shape = message.GetProperty("document");
        Assert.Equal(("document", $"{Session}~3EB0DOC", "Q3.pdf", "the report", "application/pdf"),
            (Str(message, "type"), Str(shape, "id"), Str(shape, "filename"), Str(shape, "caption"), Str(shape, "mime_type")));
    }

    [Fact]
    public void A_reaction_names_the_message_and_emoji_and_a_reply_carries_its_context()
    {
        var reaction = CloudMessage(From(new Message { ReactionMessage = new ReactionMessage { Key = Key("3EB0OURS", fromMe: false), Text = "👍" } }, id: "3EB0REACT"));
        Assert.Equal(("reaction", "3EB0REACT"), (Str(reaction, "type"), Str(reaction, "id")));
        Assert.Equal(("3EB0OURS", "👍"), (Str(reaction.GetProperty("reaction"), "message_id"), Str(reaction.GetProperty("reaction"), "emoji")));

        var reply = CloudMessage(From(new Message
        {
            ExtendedTextMessage = new ExtendedTextMessage { Text = "yes", ContextInfo = new ContextInfo { StanzaID = "3EB0Q", Participant = Own, QuotedMessage = new Message { Conversation = "?" } } },
        }));
        Assert.Equal(("text", "yes"), (Str(reply, "type"), Str(reply.GetProperty("text"), "body")));
        Assert.Equal(("15550009000", "3EB0Q"), (Str(reply.GetProperty("context"), "from"), Str(reply.GetProperty("context"), "id")));
    }

    [Fact]
    public void A_location_a_live_location_update_and_a_contact_card_take_Metas_shapes()
    {
        var live = CloudMessage(From(new Message { LiveLocationMessage = new LiveLocationMessage { DegreesLatitude = 38.72, DegreesLongitude = -9.14, Caption = "walking" } }));
        Assert.Equal(("location", 38.72, "walking"), (Str(live, "type"), live.GetProperty("location").GetProperty("latitude").GetDouble(), Str(live.GetProperty("location"), "name")));

        var location = CloudMessage(From(new Message { LocationMessage = new LocationMessage { DegreesLatitude = 52.52, DegreesLongitude = 13.405, Name = "Berlin", Address = "Mitte" } }));
        var place = location.GetProperty("location");
        Assert.Equal(("location", 52.52, 13.405, "Berlin", "Mitte"),
            (Str(location, "type"), place.GetProperty("latitude").GetDouble(), place.GetProperty("longitude").GetDouble(), Str(place, "name"), Str(place, "address")));

        var card = new ContactMessage { DisplayName = "Ann", Vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nTEL;type=CELL;waid=15550009003:+1 555 000 9003\nEND:VCARD" };
        var contacts = CloudMessage(From(new Message { ContactMessage = card }));
        var contact = contacts.GetProperty("contacts")[0];
        Assert.Equal(("contacts", "Ann"), (Str(contacts, "type"), Str(contact.GetProperty("name"), "formatted_name")));
        Assert.Equal(("+1 555 000 9003", "15550009003"), (Str(contact.GetProperty("phones")[0], "phone"), Str(contact.GetProperty("phones")[0], "wa_id")));
    }

    [Fact]
    public void Polls_votes_edits_revokes_other_kinds_and_our_own_sends_have_no_cloud_shape()
    {
        var poll = new PollCreationMessage { Name = "Lunch?" };
        var none = new[]
        {
            View(From(new Message { PollCreationMessage = poll })),
            View(From(new Message { PollUpdateMessage = new PollUpdateMessage { PollCreationMessageKey = Key("P", fromMe: true) } })),
            View(From(new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.Revoke, Key = Key("A", fromMe: true) } })),
            View(From(new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.EphemeralSetting } })),
            View(From(new Message { ImageMessage = Image() }, sender: Own, fromMe: true)),
            View(From(new Message { ReactionMessage = new ReactionMessage { Key = Key("A", fromMe: true), Text = "👍" } }, sender: Own, fromMe: true)),
        };

        Assert.All(none, view => Assert.Null(CloudEnvelope.Build(view, "15550009000")));
        Assert.True(CloudEnvelope.Carries("message.reaction"));
    }

    private static JsonElement CloudMessage(SessionCluster.Sessions.MessageReceivedBody body)
    {
        var bytes = CloudEnvelope.Build(View(body), "15550009000");
        Assert.NotNull(bytes);
        var value = JsonDocument.Parse(bytes).RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
        Assert.Equal("Peer", value.GetProperty("contacts")[0].GetProperty("profile").GetProperty("name").GetString());
        return value.GetProperty("messages")[0].Clone();
    }

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();
}
