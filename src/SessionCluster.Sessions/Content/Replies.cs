using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Content;

/// <summary>
/// Replies and mentions (docs/PROTOCOL.md §9 "Replies and mentions"): both ride in the content's <c>contextInfo</c>:
/// a reply names the quoted message by <c>stanzaID</c>, its sender as <c>participant</c> and a copy of it as
/// <c>quotedMessage</c> (what the recipient shows in the quote); a mention lists the user jids in <c>mentionedJID</c>,
/// which clients highlight where the text has <c>@</c> and the number. A plain <c>conversation</c> has no
/// contextInfo, so a text with either goes out as an <c>extendedTextMessage</c>.
/// </summary>
public static class Replies
{
    /// <summary>The context of a reply to <paramref name="quotedId"/> and/or of mentions; null when there is neither.</summary>
    /// <param name="quotedId">The quoted message's id, or null for no reply.</param>
    /// <param name="participant">The quoted message's sender as a user jid (ours when we sent it).</param>
    /// <param name="quotedText">The quoted message's text when known: the quote's preview; null leaves the copy out.</param>
    /// <param name="mentions">User jids mentioned in the text.</param>
    public static ContextInfo? Context(string? quotedId, string? participant, string? quotedText, IReadOnlyList<string> mentions)
    {
        ArgumentNullException.ThrowIfNull(mentions);
        if (quotedId is null && mentions.Count == 0)
        {
            return null;
        }

        var context = new ContextInfo();
        if (quotedId is not null)
        {
            context.StanzaID = quotedId;
            if (participant is not null)
            {
                context.Participant = participant;
            }

            if (quotedText is not null)
            {
                context.QuotedMessage = new Message { Conversation = quotedText };
            }
        }

        context.MentionedJID.AddRange(mentions);
        return context;
    }

    /// <summary>
    /// <paramref name="message"/> with <paramref name="context"/> on its content (a conversation becomes an
    /// extendedTextMessage, which has a contextInfo); the message unchanged when the context is null.
    /// </summary>
    /// <exception cref="ArgumentException">The content has no contextInfo (a reaction, a protocol message).</exception>
    public static Message With(Message message, ContextInfo? context)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (context is null)
        {
            return message;
        }

        var result = message.Clone();
        if (result.HasConversation)
        {
            result.ExtendedTextMessage = new ExtendedTextMessage { Text = result.Conversation };
            result.ClearConversation();
        }

        var target = result.ExtendedTextMessage is { } text ? (Action<ContextInfo>)(c => text.ContextInfo = c)
            : result.ImageMessage is { } image ? c => image.ContextInfo = c
            : result.VideoMessage is { } video ? c => video.ContextInfo = c
            : result.AudioMessage is { } audio ? c => audio.ContextInfo = c
            : result.DocumentMessage is { } document ? c => document.ContextInfo = c
            : result.StickerMessage is { } sticker ? c => sticker.ContextInfo = c
            : result.LocationMessage is { } location ? c => location.ContextInfo = c
            : result.ContactMessage is { } contact ? c => contact.ContextInfo = c
            : result.ContactsArrayMessage is { } contacts ? c => contacts.ContextInfo = c
            : (result.PollCreationMessage ?? result.PollCreationMessageV3 ?? result.PollCreationMessageV2) is { } poll ? c => poll.ContextInfo = c
            : null;
        if (target is null)
        {
            throw new ArgumentException("The message's content takes no reply or mentions.", nameof(message));
        }

        target(context);
        return result;
    }

    /// <summary>A user jid without its device (<c>123:4@s.whatsapp.net</c> → <c>123@s.whatsapp.net</c>): how a quote's participant is named.</summary>
    public static string UserOf(string jid)
    {
        ArgumentException.ThrowIfNullOrEmpty(jid);
        var at = jid.IndexOf('@', StringComparison.Ordinal);
        var colon = jid.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && at > colon ? jid[..colon] + jid[at..] : jid;
    }
}
