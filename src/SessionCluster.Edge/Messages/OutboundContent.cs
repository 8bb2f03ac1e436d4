using SessionCluster.Edge.Media;
using SessionCluster.Edge.Sessions;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Messages;

/// <summary>A message ready for the session, and what the chats store keeps of it (its kind, and its text or caption).</summary>
internal sealed record PreparedContent(Message Message, string StoreType, string? StoreText);

/// <summary>
/// Turns a <see cref="ContentRequest"/> into the <c>waE2E.Message</c> a session sends, doing what must happen before the
/// send is accepted: a linked file is downloaded (<see cref="MediaFetcher"/>: no private addresses, bounded size) and
/// every file is encrypted and uploaded as the session (<see cref="MediaUploads"/>), so the accepted send is durable with
/// everything the recipient needs; a reaction's target is looked up to say whose message it was. Failures are
/// <see cref="ContentException"/>s, mapped by each API.
/// </summary>
internal sealed class OutboundContent(EdgeDependencies deps)
{
    public async Task<PreparedContent> PrepareAsync(SessionEntry entry, string to, ContentRequest request, CancellationToken ct) => request switch
    {
        ContentRequest.Text text => new PreparedContent(new Message { Conversation = text.Body }, "text", text.Body),
        ContentRequest.Reaction reaction => await ReactionAsync(entry, to, reaction, ct).ConfigureAwait(false),
        ContentRequest.Media media => await MediaAsync(entry, media, ct).ConfigureAwait(false),
        _ => throw new InvalidOperationException($"No content is prepared for {request.GetType().Name}."),
    };

    private async Task<PreparedContent> ReactionAsync(SessionEntry entry, string to, ContentRequest.Reaction reaction, CancellationToken ct)
    {
        var target = await MessageLookup.FindAsync(entry, reaction.MessageId, deps, ct).ConfigureAwait(false);
        if (target is null || !SameChat(target.Chat, to))
        {
            throw new ContentException(ContentFailure.UnknownMessage, $"no message '{reaction.MessageId}' was sent or received in the chat with {to}");
        }

        return new PreparedContent(Reactions.For(to, target.Id, target.FromMe, reaction.Emoji, deps.Clock.GetUtcNow()), "reaction", reaction.Emoji);
    }

    private async Task<PreparedContent> MediaAsync(SessionEntry entry, ContentRequest.Media media, CancellationToken ct)
    {
        var services = deps.Media ?? throw new InvalidOperationException("The edge was composed without media services.");
        UploadedMedia uploaded;
        string? linkType = null;
        string? linkName = null;
        try
        {
            if (media.Link is { } link)
            {
                var fetched = await services.Fetcher.FetchAsync(link, ct).ConfigureAwait(false);
                await using (fetched.ConfigureAwait(false))
                {
                    linkType = fetched.ContentType;
                    linkName = fetched.FileName;
                    uploaded = await services.Uploads.UploadAsync(entry.ActorId, media.Kind, fetched.Content, ct).ConfigureAwait(false);
                }
            }
            else
            {
                using var inline = new MemoryStream(media.Bytes!.Value.ToArray(), writable: false);
                uploaded = await services.Uploads.UploadAsync(entry.ActorId, media.Kind, inline, ct).ConfigureAwait(false);
            }
        }
        catch (MediaFetchException e)
        {
            throw e.Failure switch
            {
                MediaFetchFailure.BadUrl or MediaFetchFailure.PrivateAddress => new ContentException(ContentFailure.Invalid, e.Message),
                MediaFetchFailure.TooLarge => new ContentException(ContentFailure.TooLarge, e.Message),
                _ => new ContentException(ContentFailure.LinkFailed, e.Message, (int?)e.StatusCode),
            };
        }
        catch (MediaUploadException e)
        {
            throw new ContentException(e.Failure switch
            {
                MediaUploadFailure.BadFile => ContentFailure.TooLarge,
                MediaUploadFailure.NotLinked or MediaUploadFailure.Ended => ContentFailure.NotLinked,
                MediaUploadFailure.NotConnected => ContentFailure.NotConnected,
                MediaUploadFailure.NoSession or MediaUploadFailure.SessionUnavailable => ContentFailure.SessionGone,
                _ => ContentFailure.UploadFailed,
            }, e.Message);
        }

        var mimeType = media.MimeType ?? UsableType(linkType) ?? DefaultType(media);
        var fileName = media.FileName ?? (media.Kind == MediaKind.Document ? linkName : null);
        var message = MediaMessages.For(uploaded, mimeType, media.Caption, fileName, media.VoiceNote);
        return new PreparedContent(message, StoreType(media), media.Caption);
    }

    /// <summary>The API's name for a media kind (what the store and events show).</summary>
    public static string StoreType(ContentRequest.Media media) => media.VoiceNote ? "voice" : media.Kind.ToString().ToLowerInvariant();

    /// <summary>A link's Content-Type is used unless it says nothing (a generic binary type or none).</summary>
    private static string? UsableType(string? contentType) =>
        contentType is null or "application/octet-stream" or "binary/octet-stream" ? null : contentType;

    /// <summary>The usual type of each kind when neither the caller nor the link says (what WhatsApp's own clients send).</summary>
    private static string DefaultType(ContentRequest.Media media) => media.Kind switch
    {
        MediaKind.Image => "image/jpeg",
        MediaKind.Video => "video/mp4",
        MediaKind.Audio => media.VoiceNote ? "audio/ogg; codecs=opus" : "audio/mpeg",
        MediaKind.Sticker => "image/webp",
        _ => "application/octet-stream",
    };

    /// <summary>
    /// The target is in the recipient's chat. A chat known by its LID and a recipient named by phone number (or the
    /// reverse) cannot be compared here; the message id decides then, and a mismatched key is ignored by the recipient.
    /// </summary>
    private static bool SameChat(string chat, string to) => chat == to || ServerOf(chat) != ServerOf(to);

    private static string ServerOf(string jid) => jid[(jid.IndexOf('@', StringComparison.Ordinal) + 1)..];
}
