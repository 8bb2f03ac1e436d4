using SessionCluster.Edge.Media;
using SessionCluster.Edge.Sessions;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Content;

namespace SessionCluster.Edge.Messages;

/// <summary>A message ready for the session, and what the chats store keeps of it (its kind, and its text or caption).</summary>
internal sealed record PreparedContent(Message Message, string StoreType, string? StoreText);

/// <summary>
/// Turns a <see cref="ContentRequest"/> into the <c>waE2E.Message</c> a session sends, doing what must happen before the
/// send is accepted: a linked file is downloaded (<see cref="MediaFetcher"/>: no private addresses, bounded size) and
/// every file is encrypted and uploaded as the session (<see cref="MediaUploads"/>), so the accepted send is durable with
/// everything the recipient needs; a reaction's or a reply's target is looked up to say whose message it was (and a
/// quote's text); an edit or a revoke is checked against the message it acts on. Failures are
/// <see cref="ContentException"/>s, mapped by each API.
/// </summary>
internal sealed class OutboundContent(EdgeDependencies deps)
{
    public async Task<PreparedContent> PrepareAsync(SessionEntry entry, string to, ContentRequest request, CancellationToken ct)
    {
        // The reply's target first: a reply to an unknown message is refused before a file is fetched and uploaded.
        var context = request.ReplyTo is null && request.Mentions.Count == 0 ? null : await ContextAsync(entry, to, request, ct).ConfigureAwait(false);
        var prepared = request switch
        {
            ContentRequest.Text text => new PreparedContent(new Message { Conversation = text.Body }, "text", text.Body),
            ContentRequest.StatusText status => new PreparedContent(new Message { ExtendedTextMessage = StatusText(status) }, "text", status.Body),
            ContentRequest.Reaction reaction => await ReactionAsync(entry, to, reaction, ct).ConfigureAwait(false),
            ContentRequest.Media media => await MediaAsync(entry, media, ct).ConfigureAwait(false),
            ContentRequest.Location location => new PreparedContent(
                SharedContent.Location(location.Latitude, location.Longitude, location.Name, location.Address), "location", location.Name ?? location.Address),
            ContentRequest.Contacts contacts => new PreparedContent(SharedContent.Contacts(contacts.Cards), "contact", string.Join(", ", contacts.Cards.Select(c => c.DisplayName))),
            ContentRequest.Poll poll => new PreparedContent(SharedContent.Poll(poll.Name, poll.Options, poll.SelectableCount, SharedContent.NewPollSecret()), "poll", poll.Name),
            ContentRequest.Edit edit => Edit(to, edit),
            ContentRequest.Revoke revoke => Revoke(to, revoke),
            _ => throw new InvalidOperationException($"No content is prepared for {request.GetType().Name}."),
        };
        return context is null ? prepared : prepared with { Message = Replies.With(prepared.Message, context) };
    }

    /// <summary>A text status is an extendedTextMessage with its colour and font (Baileys generateWAMessageContent: backgroundArgb, font).</summary>
    private static ExtendedTextMessage StatusText(ContentRequest.StatusText status)
    {
        var text = new ExtendedTextMessage { Text = status.Body };
        if (status.BackgroundArgb is { } background)
        {
            text.BackgroundArgb = background;
        }

        if (status.Font is { } font)
        {
            text.Font = font;
        }

        return text;
    }

    /// <summary>
    /// The contextInfo of a reply and its mentions: the quoted message must be in the recipient's chat; its sender is
    /// the participant (our own user jid when we sent it) and its text, when the store or the log has it, the quote.
    /// </summary>
    private async Task<Protocol.Wa.E2E.ContextInfo?> ContextAsync(SessionEntry entry, string to, ContentRequest request, CancellationToken ct)
    {
        string? participant = null;
        string? quotedText = null;
        if (request.ReplyTo is { } replyTo)
        {
            var quoted = await MessageLookup.FindAsync(entry, replyTo, deps, ct).ConfigureAwait(false);
            if (quoted is null || !SameChat(quoted.Chat, to))
            {
                throw new ContentException(ContentFailure.UnknownMessage, $"no message '{replyTo}' was sent or received in the chat with {to}");
            }

            participant = quoted.FromMe ? await OwnUserAsync(entry, ct).ConfigureAwait(false) : Replies.UserOf(quoted.Sender ?? quoted.Chat);
            quotedText = quoted.Text;
        }

        return Replies.Context(request.ReplyTo, participant, quotedText, request.Mentions);
    }

    /// <summary>The session's own user jid (a quote of our own message names us as its sender), or null while it has none.</summary>
    private async Task<string?> OwnUserAsync(SessionEntry entry, CancellationToken ct) =>
        await deps.Sessions.AskAsync(new SessionCommands.GetStatus(entry.ActorId), ct).ConfigureAwait(false) is SessionCommands.StatusReply { Status.DeviceJid: { } device }
            ? Replies.UserOf(device)
            : null;

    /// <summary>
    /// An edit: only of a text this session sent, within <see cref="MessageActions.EditWindow"/> of its sending
    /// (docs/PROTOCOL.md §9 "Edits and revokes"). A send known only from the log has no kind there; it is taken as a text
    /// (a tenant that keeps no messages), and WhatsApp's clients ignore an edit of anything else.
    /// </summary>
    private PreparedContent Edit(string to, ContentRequest.Edit edit)
    {
        var now = deps.Clock.GetUtcNow();
        CheckEditable(edit.Target, now);
        return new PreparedContent(MessageActions.Edit(to, edit.Target.Id, edit.NewText, now), "edit", edit.NewText);
    }

    /// <summary>Throws <see cref="ContentFailure.NotEditable"/> unless <paramref name="target"/> may be edited at <paramref name="now"/>.</summary>
    internal static void CheckEditable(KnownMessage target, DateTimeOffset now)
    {
        if (!target.FromMe)
        {
            throw new ContentException(ContentFailure.NotEditable, $"message '{target.Id}' was not sent by this session; only its own messages can be edited");
        }

        if (target.Type is { } type && type != "text")
        {
            throw new ContentException(ContentFailure.NotEditable, $"message '{target.Id}' is a {type}; only texts can be edited");
        }

        if (target.At is { } at && now - at > MessageActions.EditWindow)
        {
            throw new ContentException(ContentFailure.NotEditable,
                $"message '{target.Id}' was sent at {at:O}; WhatsApp allows edits for {MessageActions.EditWindow.TotalMinutes:0} minutes after sending");
        }
    }

    private static PreparedContent Revoke(string to, ContentRequest.Revoke revoke) =>
        revoke.Target.FromMe
            ? new PreparedContent(MessageActions.Revoke(to, revoke.Target.Id), "revoke", null)
            : throw new ContentException(ContentFailure.NotRevocable, $"message '{revoke.Target.Id}' was not sent by this session; only its own messages can be deleted for everyone");

    private async Task<PreparedContent> ReactionAsync(SessionEntry entry, string to, ContentRequest.Reaction reaction, CancellationToken ct)
    {
        var target = await MessageLookup.FindAsync(entry, reaction.MessageId, deps, ct).ConfigureAwait(false);
        if (target is null || !SameChat(target.Chat, to))
        {
            throw new ContentException(ContentFailure.UnknownMessage, $"no message '{reaction.MessageId}' was sent or received in the chat with {to}");
        }

        var participant = to.EndsWith("@g.us", StringComparison.Ordinal) ? target.Sender : null;
        return new PreparedContent(Reactions.For(to, target.Id, target.FromMe, reaction.Emoji, deps.Clock.GetUtcNow(), participant), "reaction", reaction.Emoji);
    }

    private async Task<PreparedContent> MediaAsync(SessionEntry entry, ContentRequest.Media media, CancellationToken ct)
    {
        var services = deps.Media ?? throw new InvalidOperationException("The edge was composed without media services.");
        UploadedMedia uploaded;
        string? linkType = null;
        string? linkName = null;
        try
        {
            if (media.UploadId is { } uploadId)
            {
                var opened = services.Store is { } store ? await store.OpenAsync(entry.TenantId, uploadId, ct).ConfigureAwait(false) : null;
                if (opened is not { } upload)
                {
                    throw new ContentException(ContentFailure.UnknownUpload, $"no upload '{uploadId}' (uploads are kept for a day)");
                }

                await using (upload.Content.ConfigureAwait(false))
                {
                    linkType = upload.Upload.MimeType;
                    linkName = upload.Upload.FileName;
                    uploaded = await services.Uploads.UploadAsync(entry.ActorId, media.Kind, upload.Content, ct).ConfigureAwait(false);
                }
            }
            else if (media.Link is { } link)
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
