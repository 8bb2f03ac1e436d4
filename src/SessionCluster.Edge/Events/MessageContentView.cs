using Google.Protobuf;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Edge.Events;

/// <summary>
/// What a received <c>waE2E.Message</c> is, as the API shows it (docs/API.md "Event types"): its kind, its text (a
/// text's body or a caption) and its content. Pure: it looks through the wrappers (ephemeral, view-once, document with
/// caption, edited) and reads only the proto. Media contents name the file's type, size and plaintext hash and where the
/// API serves it; never the media key, the CDN path or URL, nor the encrypted file's hash: with those anyone could fetch
/// and decrypt the file.
/// </summary>
internal static class MessageContentView
{
    /// <summary>The API's content of <paramref name="message"/>, received as <paramref name="messageId"/> in <paramref name="session"/>.</summary>
    public static ReceivedContent Of(Message message, string session, string messageId)
    {
        var m = Unwrap(message);
        if (m.HasConversation)
        {
            return new ReceivedContent("text", m.Conversation, new TextContent(m.Conversation, null, null), null);
        }

        if (m.ExtendedTextMessage is { } extended)
        {
            var quoted = QuotedOf(extended.ContextInfo);
            return new ReceivedContent("text", extended.Text, new TextContent(extended.Text, quoted, MentionsOf(extended.ContextInfo)), quoted);
        }

        var mediaUrl = $"/v1/sessions/{Uri.EscapeDataString(session)}/messages/{Uri.EscapeDataString(messageId)}/media";
        if (m.ImageMessage is { } image)
        {
            return Media("image", image.Mimetype, NullIfEmpty(image.Caption), null, image.FileLength, image.FileSHA256, null,
                image.HasWidth ? image.Width : null, image.HasHeight ? image.Height : null, mediaUrl, image.ContextInfo);
        }

        if ((m.VideoMessage ?? m.PtvMessage) is { } video)
        {
            return Media("video", video.Mimetype, NullIfEmpty(video.Caption), null, video.FileLength, video.FileSHA256, video.HasSeconds ? video.Seconds : null,
                video.HasWidth ? video.Width : null, video.HasHeight ? video.Height : null, mediaUrl, video.ContextInfo);
        }

        if (m.AudioMessage is { } audio)
        {
            return Media(audio.PTT ? "voice" : "audio", audio.Mimetype, null, null, audio.FileLength, audio.FileSHA256, audio.HasSeconds ? audio.Seconds : null,
                null, null, mediaUrl, audio.ContextInfo);
        }

        if (m.DocumentMessage is { } document)
        {
            return Media("document", document.Mimetype, NullIfEmpty(document.Caption), NullIfEmpty(document.FileName), document.FileLength, document.FileSHA256, null,
                null, null, mediaUrl, document.ContextInfo);
        }

        if (m.StickerMessage is { } sticker)
        {
            return Media("sticker", sticker.Mimetype, null, null, sticker.FileLength, sticker.FileSHA256, null,
                sticker.HasWidth ? sticker.Width : null, sticker.HasHeight ? sticker.Height : null, mediaUrl, sticker.ContextInfo);
        }

        if (m.ReactionMessage is { } reaction)
        {
            return new ReceivedContent("reaction", null, new ReactionContent(reaction.Key ?? new MessageKey(), reaction.Text), null);
        }

        if (m.ProtocolMessage is { Type: ProtocolMessage.Types.Type.Revoke, Key: { } revoked })
        {
            return new ReceivedContent("revoke", null, new RevokeContent(revoked.ID), null);
        }

        if (m.ProtocolMessage is { Type: ProtocolMessage.Types.Type.MessageEdit, Key: { } edited } protocol)
        {
            // The new content is itself a message (a text, or a caption's media); media of an edit is the original's.
            var now = protocol.EditedMessage is { } replacement ? Of(replacement, session, edited.ID) : null;
            return new ReceivedContent("edit", now?.Text, new EditContent(edited.ID, now), null);
        }

        if (m.LocationMessage is { } location)
        {
            return new ReceivedContent("location", null, new LocationContent(location.DegreesLatitude, location.DegreesLongitude,
                NullIfEmpty(location.Name), NullIfEmpty(location.Address)), QuotedOf(location.ContextInfo));
        }

        if (m.LiveLocationMessage is { } live)
        {
            // One update of a shared live location: each carries the place now and a rising sequence number.
            return new ReceivedContent("live_location", NullIfEmpty(live.Caption), new LiveLocationContent(live.DegreesLatitude, live.DegreesLongitude,
                live.HasAccuracyInMeters ? live.AccuracyInMeters : null, live.HasSpeedInMps ? live.SpeedInMps : null,
                live.HasDegreesClockwiseFromMagneticNorth ? live.DegreesClockwiseFromMagneticNorth : null, NullIfEmpty(live.Caption), live.SequenceNumber),
                QuotedOf(live.ContextInfo));
        }

        if (m.ContactMessage is { } contact)
        {
            return new ReceivedContent("contacts", null, new ContactsContent([new ContactCard(contact.DisplayName, contact.Vcard)]), QuotedOf(contact.ContextInfo));
        }

        if (m.ContactsArrayMessage is { } contacts)
        {
            return new ReceivedContent("contacts", null, new ContactsContent([.. contacts.Contacts.Select(c => new ContactCard(c.DisplayName, c.Vcard))]),
                QuotedOf(contacts.ContextInfo));
        }

        if ((m.PollCreationMessage ?? m.PollCreationMessageV2 ?? m.PollCreationMessageV3) is { } poll)
        {
            return new ReceivedContent("poll", poll.Name, new PollContent(poll.Name, [.. poll.Options.Select(o => o.OptionName)], poll.SelectableOptionsCount),
                QuotedOf(poll.ContextInfo));
        }

        if (m.PollUpdateMessage is { } vote)
        {
            // The session reads votes into their own events (PollVoteReceivedBody); a vote stored as a plain message is one
            // an older node journaled before it could read votes: the API says which poll and that it stays sealed.
            return new ReceivedContent("poll_vote", null, new PollVoteContent(vote.PollCreationMessageKey?.ID ?? "", Encrypted: true), null);
        }

        return new ReceivedContent("other", null, new OtherContent(TopLevelField(m)), null);
    }

    /// <summary>
    /// Whether a reaction's target is one of our messages. A reaction's key is written from the reactor's side: when
    /// someone else reacts, their <c>fromMe</c> means the target is theirs (so not ours); otherwise, in a chat of two,
    /// the target can only be ours, and in a group it is ours when its author is our account. A reaction from one of our
    /// own devices already speaks for our side.
    /// </summary>
    /// <param name="isOwnAccount">Whether a JID is our account (any device, PN or LID); null when not known.</param>
    public static bool TargetFromMe(MessageKey key, bool reactorIsUs, string chat, Func<string, bool>? isOwnAccount)
    {
        if (reactorIsUs || key.FromMe)
        {
            return reactorIsUs && key.FromMe;
        }

        if (!chat.EndsWith("@g.us", StringComparison.Ordinal) && !chat.EndsWith("@broadcast", StringComparison.Ordinal))
        {
            return true;
        }

        return key.HasParticipant && isOwnAccount is not null && isOwnAccount(key.Participant);
    }

    /// <summary>The content inside any wrappers (<see cref="MessageWrappers"/>).</summary>
    public static Message Unwrap(Message message) => MessageWrappers.Unwrap(message);

    private static ReceivedContent Media(string kind, string mimetype, string? caption, string? fileName, ulong fileLength, ByteString sha256,
        uint? seconds, uint? width, uint? height, string mediaUrl, ContextInfo? context)
    {
        var quoted = QuotedOf(context);
        return new ReceivedContent(kind, caption, new MediaContent(mimetype, caption, fileName, fileLength, sha256.ToBase64(), seconds, width, height, mediaUrl,
            quoted, MentionsOf(context)), quoted);
    }

    private static QuotedView? QuotedOf(ContextInfo? context) =>
        context is { HasStanzaID: true } ? new QuotedView(context.StanzaID, NullIfEmpty(context.Participant), QuotedText(context.QuotedMessage)) : null;

    private static string? QuotedText(Message? quoted)
    {
        if (quoted is null)
        {
            return null;
        }

        var m = Unwrap(quoted);
        return m.HasConversation ? m.Conversation
            : m.ExtendedTextMessage?.Text ?? NullIfEmpty(m.ImageMessage?.Caption) ?? NullIfEmpty(m.VideoMessage?.Caption) ?? NullIfEmpty(m.DocumentMessage?.Caption);
    }

    private static IReadOnlyList<string>? MentionsOf(ContextInfo? context) => context is { MentionedJID.Count: > 0 } ? [.. context.MentionedJID] : null;

    /// <summary>The name of the first content field set (skipping metadata), or null when only fields unknown to our schema are.</summary>
    private static string? TopLevelField(Message m)
    {
        foreach (var field in Message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (!field.IsRepeated && field.Name is not ("messageContextInfo" or "senderKeyDistributionMessage" or "fastRatchetKeySenderKeyDistributionMessage")
                && field.Accessor.HasValue(m))
            {
                return field.Name;
            }
        }

        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A received message's kind (text, image, video, audio, voice, document, sticker, reaction, revoke, edit, location, contacts, poll, poll_vote, other), text or caption, and content.</summary>
    /// <param name="Quoted">The message this one replies to, if any (also inside <paramref name="Content"/> for texts and media).</param>
    public sealed record ReceivedContent(string Kind, string? Text, object Content, QuotedView? Quoted);

    /// <summary>The message a reply quotes: its id, its author (in groups, or when known) and its text or caption.</summary>
    public sealed record QuotedView(string Id, string? Sender, string? Text);

    public sealed record TextContent(string Text, QuotedView? Quoted, IReadOnlyList<string>? Mentions);

    /// <summary>A file's description; <paramref name="Sha256"/> is the plaintext's SHA-256 (base64), <paramref name="MediaUrl"/> the API route serving it.</summary>
    public sealed record MediaContent(
        string Mimetype, string? Caption, string? FileName, ulong FileLength, string Sha256, uint? Seconds, uint? Width, uint? Height, string MediaUrl,
        QuotedView? Quoted, IReadOnlyList<string>? Mentions);

    public sealed record LocationContent(double Latitude, double Longitude, string? Name, string? Address);

    /// <summary>One update of a live location: where now, how precise (metres), how fast (m/s) and which way (degrees), in order by <paramref name="Sequence"/>.</summary>
    public sealed record LiveLocationContent(double Latitude, double Longitude, uint? AccuracyInMeters, float? SpeedInMps, uint? Heading, string? Caption, long Sequence);

    public sealed record ContactCard(string DisplayName, string Vcard);

    public sealed record ContactsContent(IReadOnlyList<ContactCard> Contacts);

    public sealed record PollContent(string Name, IReadOnlyList<string> Options, uint SelectableCount);

    /// <summary>A vote on <paramref name="PollId"/>; <paramref name="Encrypted"/> while the choice is not decrypted.</summary>
    public sealed record PollVoteContent(string PollId, bool Encrypted);

    public sealed record OtherContent(string? Field);

    /// <summary>A reaction (<paramref name="Emoji"/> empty takes it back) to the message at <paramref name="Key"/>, as the reactor wrote it.</summary>
    public sealed record ReactionContent(MessageKey Key, string Emoji);

    public sealed record RevokeContent(string TargetId);

    /// <summary>An edit of <paramref name="TargetId"/>; <paramref name="Now"/> is its new content, null when the edit carried none.</summary>
    public sealed record EditContent(string TargetId, ReceivedContent? Now);
}
