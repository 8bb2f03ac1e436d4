using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Protocol.Tests.Messages;

/// <summary>The stanza type and enc attributes for each content (docs/PROTOCOL.md §9, whatsmeow getTypeFromMessage / getMediaTypeFromMessage).</summary>
public sealed class StanzaKindTests
{
    public static TheoryData<string, Message, string, string?, bool> Contents => new()
    {
        { "conversation", new Message { Conversation = "hi" }, "text", null, false },
        { "extended text", new Message { ExtendedTextMessage = new ExtendedTextMessage { Text = "hi" } }, "text", null, false },
        { "image", new Message { ImageMessage = new ImageMessage() }, "media", "image", false },
        { "sticker", new Message { StickerMessage = new StickerMessage() }, "media", "sticker", false },
        { "video", new Message { VideoMessage = new VideoMessage() }, "media", "video", false },
        { "gif", new Message { VideoMessage = new VideoMessage { GifPlayback = true } }, "media", "gif", false },
        { "ptv", new Message { PtvMessage = new VideoMessage() }, "media", "video", false },
        { "audio", new Message { AudioMessage = new AudioMessage() }, "media", "audio", false },
        { "voice note", new Message { AudioMessage = new AudioMessage { PTT = true } }, "media", "ptt", false },
        { "document", new Message { DocumentMessage = new DocumentMessage() }, "media", "document", false },
        { "contact card", new Message { ContactMessage = new ContactMessage() }, "media", "vcard", false },
        { "reaction", new Message { ReactionMessage = new ReactionMessage { Key = new MessageKey { ID = "3EB0" }, Text = "👍" } }, "reaction", null, true },
        {
            "view-once image", new Message { ViewOnceMessageV2 = new FutureProofMessage { Message = new Message { ImageMessage = new ImageMessage() } } },
            "media", "image", false
        },
        {
            "document with caption", new Message { DocumentWithCaptionMessage = new FutureProofMessage { Message = new Message { DocumentMessage = new DocumentMessage() } } },
            "media", "document", false
        },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public void Each_content_gets_its_stanza_type_and_enc_attributes(string name, Message content, string type, string? mediaType, bool hide)
    {
        _ = name;
        Assert.Equal(new StanzaKind(type, mediaType, hide), StanzaKind.Of(content));
    }

    [Fact]
    public void An_edit_is_a_text_stanza_marked_edit_1_whether_wrapped_in_editedMessage_or_not()
    {
        var protocol = new ProtocolMessage
        {
            Key = new MessageKey { RemoteJID = "15550002222@s.whatsapp.net", FromMe = true, ID = "3EB0AA" },
            Type = ProtocolMessage.Types.Type.MessageEdit,
            EditedMessage = new Message { Conversation = "new text" },
        };

        var wrapped = StanzaKind.Of(new Message { EditedMessage = new FutureProofMessage { Message = new Message { ProtocolMessage = protocol } } });
        var bare = StanzaKind.Of(new Message { ProtocolMessage = protocol });

        Assert.Equal(new StanzaKind("text", null, false, Edit: "1"), wrapped);
        Assert.Equal(wrapped, bare);
    }

    [Theory]
    [InlineData(true, "7")]
    [InlineData(false, "8")]
    public void A_revoke_is_marked_edit_7_for_the_senders_own_message_and_8_for_someone_elses(bool fromMe, string edit)
    {
        var revoke = new Message
        {
            ProtocolMessage = new ProtocolMessage { Key = new MessageKey { RemoteJID = "15550002222@s.whatsapp.net", FromMe = fromMe, ID = "3EB0AA" }, Type = ProtocolMessage.Types.Type.Revoke },
        };

        Assert.Equal(new StanzaKind("text", null, false, Edit: edit), StanzaKind.Of(revoke));
    }

    [Fact]
    public void A_protocol_message_that_acts_on_no_message_carries_no_edit_attribute()
    {
        var setting = new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.EphemeralSetting, EphemeralExpiration = 86400 } };

        Assert.Null(StanzaKind.Of(setting).Edit);
    }

    [Theory]
    [InlineData(49)]
    [InlineData(60)]
    [InlineData(64)]
    public void A_poll_creation_is_a_poll_stanza_with_meta_polltype_creation(int field)
    {
        var poll = new PollCreationMessage { Name = "lunch?" };
        var message = field switch
        {
            49 => new Message { PollCreationMessage = poll },
            60 => new Message { PollCreationMessageV2 = poll },
            _ => new Message { PollCreationMessageV3 = poll },
        };

        Assert.Equal(new StanzaKind("poll", null, false, PollType: "creation"), StanzaKind.Of(message));
    }

    [Fact]
    public void A_poll_vote_is_a_poll_stanza_with_meta_polltype_vote_hidden_when_it_cannot_be_decrypted()
    {
        var vote = new Message { PollUpdateMessage = new PollUpdateMessage { Vote = new PollEncValue() } };

        Assert.Equal(new StanzaKind("poll", null, HideDecryptFailure: true, PollType: "vote"), StanzaKind.Of(vote));
    }

    [Fact]
    public void A_location_goes_as_a_plain_text_stanza_and_several_contacts_as_media_contact_array_as_Baileys_sends_them()
    {
        Assert.Equal(new StanzaKind("text", null, false), StanzaKind.Of(new Message { LocationMessage = new LocationMessage { DegreesLatitude = 1, DegreesLongitude = 2 } }));
        Assert.Equal(new StanzaKind("media", "contact_array", false), StanzaKind.Of(new Message { ContactsArrayMessage = new ContactsArrayMessage() }));
    }

    [Fact]
    public void Wrappers_nested_past_the_bound_stop_unwrapping_instead_of_looping()
    {
        var message = new Message { ImageMessage = new ImageMessage() };
        for (var i = 0; i < 20; i++)
        {
            message = new Message { EphemeralMessage = new FutureProofMessage { Message = message } };
        }

        Assert.Equal("text", StanzaKind.Of(message).Type);
    }
}
