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
