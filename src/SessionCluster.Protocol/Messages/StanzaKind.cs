using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Protocol.Messages;

/// <summary>
/// What the outer stanza says about an encrypted message (docs/PROTOCOL.md §9): the <c>&lt;message type&gt;</c>
/// (<c>text</c>, <c>media</c>, <c>reaction</c>, <c>poll</c>), the <c>&lt;enc mediatype&gt;</c> of a media message, and
/// <c>&lt;enc decrypt-fail="hide"&gt;</c> for content a recipient should drop silently rather than show as
/// "waiting for this message" when it cannot decrypt it (a reaction). The server routes and counts by these, so they
/// must agree with the content inside the ciphertext. An edit or a revoke also says so on the stanza (<c>edit</c>), and a
/// poll's creation carries <c>&lt;meta polltype="creation"/&gt;</c>, a vote <c>&lt;meta polltype="vote"/&gt;</c>.
/// </summary>
/// <param name="Type">The stanza's <c>type</c>.</param>
/// <param name="MediaType">The enc's <c>mediatype</c>, or null when the content carries no media.</param>
/// <param name="HideDecryptFailure">Whether the enc carries <c>decrypt-fail="hide"</c>.</param>
/// <param name="Edit">The stanza's <c>edit</c> attribute (§9 "Edits and revokes"): <see cref="MessageEdit"/>, <see cref="SenderRevoke"/>, <see cref="AdminRevoke"/>, or null.</param>
/// <param name="PollType">The <c>polltype</c> of the stanza's <c>&lt;meta&gt;</c> child (<c>creation</c> or <c>vote</c>), or null for no meta.</param>
public sealed record StanzaKind(string Type, string? MediaType, bool HideDecryptFailure, string? Edit = null, string? PollType = null)
{
    /// <summary><c>edit="1"</c>: the content is a protocolMessage MESSAGE_EDIT replacing one of ours (WM EditAttributeMessageEdit; BL "1").</summary>
    public const string MessageEdit = "1";

    /// <summary><c>edit="7"</c>: a protocolMessage REVOKE of the sender's own message (WM EditAttributeSenderRevoke; BL "7").</summary>
    public const string SenderRevoke = "7";

    /// <summary><c>edit="8"</c>: a REVOKE of someone else's message, by a group admin (WM EditAttributeAdminRevoke; BL "8").</summary>
    public const string AdminRevoke = "8";

    private static readonly StanzaKind Text = new("text", null, false);

    /// <summary>The stanza attributes for <paramref name="message"/>, looking through the wrappers (view-once, ephemeral, edited, document with caption).</summary>
    public static StanzaKind Of(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = MessageWrappers.Unwrap(message);
        if (content.ReactionMessage is not null)
        {
            return new StanzaKind("reaction", null, HideDecryptFailure: true);
        }

        if (content.ProtocolMessage is { Key: not null } protocol)
        {
            var edit = protocol.Type switch
            {
                ProtocolMessage.Types.Type.MessageEdit when protocol.EditedMessage is not null => MessageEdit,
                ProtocolMessage.Types.Type.Revoke => protocol.Key.FromMe ? SenderRevoke : AdminRevoke,
                _ => null,
            };
            return edit is null ? Text : Text with { Edit = edit };
        }

        if (content.PollCreationMessage is not null || content.PollCreationMessageV2 is not null || content.PollCreationMessageV3 is not null)
        {
            return new StanzaKind("poll", null, false, PollType: "creation");
        }

        if (content.PollUpdateMessage is not null)
        {
            // A vote (WM send.go: polltype "vote", and decrypt-fail="hide" as for a reaction; BL types it "poll" too).
            return new StanzaKind("poll", null, HideDecryptFailure: true, PollType: "vote");
        }

        return MediaTypeOf(content) is { } mediaType ? new StanzaKind("media", mediaType, false) : Text;
    }

    /// <summary>The enc <c>mediatype</c> value of the content's media (§9 "mediatype values"), or null.</summary>
    private static string? MediaTypeOf(Message content) =>
        content.ImageMessage is not null ? "image"
        : content.StickerMessage is not null ? "sticker"
        : content.VideoMessage is { } video ? (video.GifPlayback ? "gif" : "video")
        : content.PtvMessage is not null ? "video"
        : content.AudioMessage is { } audio ? (audio.PTT ? "ptt" : "audio")
        : content.DocumentMessage is not null ? "document"
        : content.ContactMessage is not null ? "vcard"
        : content.ContactsArrayMessage is not null ? "contact_array"
        : content.LiveLocationMessage is not null ? "livelocation"
        : null;
}
