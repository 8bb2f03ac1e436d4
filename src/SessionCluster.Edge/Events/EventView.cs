using SessionCluster.Sessions;

namespace SessionCluster.Edge.Events;

/// <summary>
/// One event as the API shows it: its id (stable, a version-7 UUID), its per-session gapless <c>seq</c>, its type
/// (docs/API.md "Event types") and its payload. Payloads carry what the user needs (the QR text, a message's text)
/// and never a key.
/// </summary>
public sealed record EventView(string Session, long Seq, Guid Id, string Type, DateTimeOffset At, object Payload)
{
    /// <param name="session">The tenant's id for the session (events never show actor ids).</param>
    /// <param name="isOwnAccount">
    /// Whether a JID is the session's own account, when the caller knows it: only a group reaction's target needs it
    /// (<see cref="MessageContentView.TargetFromMe"/>).
    /// </param>
    public static EventView From(string session, SessionEvent e, Func<string, bool>? isOwnAccount = null)
    {
        var (type, payload) = Describe(session, e.Body, isOwnAccount);
        return new EventView(session, e.Sequence, e.Id, type, e.At, payload);
    }

    /// <summary>The API's name for an event's type (docs/API.md "Event types"), for filters.</summary>
    public static string TypeOf(SessionEventBody body) => Describe("", body, null).Type;

    private static (string Type, object Payload) Describe(string session, SessionEventBody body, Func<string, bool>? isOwnAccount) => body switch
    {
        SessionStatusChangedBody status => ("session.status", new StatusPayload(SessionView.StatusName(status.Status))),
        QrCodeBody qr => ("session.qr", new QrPayload(qr.Qr, qr.ExpiresAt)),
        PairingCodeBody code => ("session.pairing_code", new PairingCodePayload(code.Code, code.ExpiresAt)),
        LinkFailedBody failed => ("session.link_failed", new ReasonPayload(failed.Reason.ToString())),
        DisconnectedBody disconnected => ("session.disconnected", new DisconnectedPayload(disconnected.Reason.ToString(), disconnected.Detail,
            disconnected.ReconnectIn is { } after ? (long)after.TotalMilliseconds : null)),
        LoggedOutBody loggedOut => ("session.logged_out", new ReasonPayload(loggedOut.Reason.ToString())),
        MessageReceivedBody received => Received(session, received, isOwnAccount),
        PollVoteReceivedBody vote => ("message.poll_vote", new PollVotePayload(
            vote.MessageId, vote.Chat, vote.ChatAlt, vote.Sender, vote.SenderAlt, vote.PushName, vote.FromMe, vote.PollMessageId, !vote.Decrypted, vote.Timestamp,
            vote.Decrypted ? vote.SelectedOptions : null, vote.Decrypted ? vote.UnknownOptions : null, vote.Failure)),
        MessageStatusBody status => ("message.status", new MessageStatusPayload(status.MessageId, status.Chat, status.Status.ToString().ToLowerInvariant(), status.Device, status.Reason)),
        UndecryptableBody undecryptable => ("message.undecryptable", new UndecryptablePayload(
            undecryptable.MessageId, undecryptable.Chat, undecryptable.SenderDevice, undecryptable.RetryCount, undecryptable.Reason)),
        SettingsChangedBody settings => ("session.settings", settings.Settings),
        ContactIdentityChangedBody identity => ("contact.identity_changed", new IdentityChangedPayload(identity.Jid, identity.Source.ToString().ToLowerInvariant())),
        GroupChangedBody { Change: GroupChange.Added or GroupChange.Removed or GroupChange.Left or GroupChange.Promoted or GroupChange.Demoted } group =>
            ("group.participants", new GroupParticipantsPayload(group.Group, group.Change switch
            {
                GroupChange.Added => "add",
                GroupChange.Removed => "remove",
                GroupChange.Left => "leave",
                GroupChange.Promoted => "promote",
                _ => "demote",
            }, group.Participants, group.By, group.At)),
        CallOfferBody call => ("call.offer", new CallOfferPayload(call.CallId, call.From, call.Video ? "video" : "voice", call.Rejected, call.At)),
        PresenceUpdateBody presence => ("presence.update", new PresencePayload(presence.Jid, presence.Available ? "available" : "unavailable", presence.LastSeen)),
        ChatStateBody chatState => ("chat.state", new ChatStatePayload(chatState.Chat, chatState.Sender, chatState.State.ToString().ToLowerInvariant())),
        HistorySyncBody history => ("history.sync", new HistorySyncPayload(
            history.SyncType, history.ChunkOrder, history.Progress, history.Part, history.Conversations, history.PushNames, history.LidMappings)),
        ChatSettingChangedBody chat => (ChatSettingType(chat), new ChatSettingPayload(chat.Chat, chat.MuteEnd, chat.At, chat.ByThisSession)),
        ContactUpdatedBody contact => ("contact.updated", new ContactUpdatedPayload(contact.Jid, contact.FullName, contact.FirstName, contact.Lid, contact.Removed, contact.At)),
        PushNameChangedBody pushName => ("account.push_name", new PushNamePayload(pushName.Name, pushName.At)),
        GroupChangedBody group => ("group.update", new GroupUpdatePayload(group.Group, group.Change switch
        {
            GroupChange.Created => "created",
            GroupChange.Subject => "subject",
            GroupChange.Description => "description",
            _ => "description_removed",
        }, group.Subject, group.Description, group.By, group.At)),
        var other => throw new InvalidOperationException($"No API event type for {other.GetType().Name}."),
    };

    /// <summary>
    /// A received message as its event: reactions, revokes, edits and poll votes act on another message and have their
    /// own types; a status (chat <c>status@broadcast</c>) is a <c>status.received</c>; every other kind is a
    /// <c>message.received</c> with its content (<see cref="MessageContentView"/>).
    /// </summary>
    private static (string Type, object Payload) Received(string session, MessageReceivedBody r, Func<string, bool>? isOwnAccount)
    {
        var content = MessageContentView.Of(r.Message, session, r.MessageId);
        return content.Content switch
        {
            MessageContentView.ReactionContent reaction => ("message.reaction", new ReactionPayload(
                r.MessageId, r.Chat, r.ChatAlt, r.Sender, r.SenderAlt, r.PushName, r.FromMe, reaction.Key.ID,
                r.TargetFromMe ?? MessageContentView.TargetFromMe(reaction.Key, r.FromMe, r.Chat, isOwnAccount), reaction.Emoji, reaction.Emoji.Length == 0, r.Timestamp)),
            MessageContentView.RevokeContent revoke => ("message.revoked", new RevokedPayload(revoke.TargetId, r.Chat, r.ChatAlt, r.Sender, r.SenderAlt, r.FromMe, r.Timestamp)),
            MessageContentView.EditContent edit => ("message.edited", new EditedPayload(
                edit.TargetId, r.Chat, r.ChatAlt, r.Sender, r.SenderAlt, r.FromMe, edit.Now?.Kind, edit.Now?.Text, edit.Now?.Content, r.Timestamp)),
            MessageContentView.PollVoteContent vote => ("message.poll_vote", new PollVotePayload(
                r.MessageId, r.Chat, r.ChatAlt, r.Sender, r.SenderAlt, r.PushName, r.FromMe, vote.PollId, vote.Encrypted, r.Timestamp)),
            _ when r.Chat == SessionCommands.StatusChat => ("status.received", new StatusReceivedPayload(
                r.MessageId, r.Sender, r.SenderAlt, r.SenderDevice, r.PushName, r.FromMe, content.Kind, content.Text, r.Timestamp, content.Content)),
            _ => ("message.received", new ReceivedPayload(
                r.MessageId, r.Chat, r.ChatAlt, r.Sender, r.SenderAlt, r.SenderDevice, r.PushName, r.FromMe, r.Offline, content.Kind, content.Text, r.Timestamp, content.Content)),
        };
    }

    /// <summary><c>chat.archived</c>, <c>chat.unarchived</c>, <c>chat.pinned</c>, … : the app-state action's name and whether it is on.</summary>
    private static string ChatSettingType(ChatSettingChangedBody chat) => (chat.Setting, chat.On) switch
    {
        (ChatSetting.Archived, true) => "chat.archived",
        (ChatSetting.Archived, false) => "chat.unarchived",
        (ChatSetting.Pinned, true) => "chat.pinned",
        (ChatSetting.Pinned, false) => "chat.unpinned",
        (ChatSetting.Muted, true) => "chat.muted",
        (ChatSetting.Muted, false) => "chat.unmuted",
        (ChatSetting.Read, true) => "chat.read",
        _ => "chat.unread",
    };

    /// <summary>A chat setting from app state: <paramref name="MuteEnd"/> only for <c>chat.muted</c> (null: forever); <paramref name="BySession"/> when this session wrote it.</summary>
    public sealed record ChatSettingPayload(string Chat, DateTimeOffset? MuteEnd, DateTimeOffset? At, bool BySession);

    /// <summary><c>contact.updated</c>: a contact of the account's address book saved, changed or removed.</summary>
    public sealed record ContactUpdatedPayload(string Jid, string? FullName, string? FirstName, string? Lid, bool Removed, DateTimeOffset? At);

    /// <summary><c>account.push_name</c>: the account's own push name.</summary>
    public sealed record PushNamePayload(string Name, DateTimeOffset? At);

    public sealed record StatusPayload(string Status);

    public sealed record QrPayload(string Qr, DateTimeOffset ExpiresAt);

    public sealed record PairingCodePayload(string Code, DateTimeOffset ExpiresAt);

    public sealed record ReasonPayload(string Reason);

    public sealed record DisconnectedPayload(string Reason, string Detail, long? ReconnectInMs);

    public sealed record ReceivedPayload(
        string Id, string Chat, string? ChatAlt, string Sender, string? SenderAlt, string SenderDevice, string? PushName,
        bool FromMe, bool Offline, string Type, string? Text, DateTimeOffset At, object Content);

    /// <summary><c>status.received</c>: a status (story) a contact posted, or we posted from another device (<paramref name="FromMe"/>); content as in <c>message.received</c>.</summary>
    public sealed record StatusReceivedPayload(
        string Id, string Sender, string? SenderAlt, string SenderDevice, string? PushName, bool FromMe, string Type, string? Text, DateTimeOffset At, object Content);

    /// <summary>
    /// <c>message.reaction</c>: <paramref name="Id"/> is the reaction's own id; <paramref name="TargetFromMe"/> says, from our side, whether the
    /// reacted message is ours; <paramref name="Removed"/> when the emoji is empty (the reaction was taken back).
    /// </summary>
    public sealed record ReactionPayload(
        string Id, string Chat, string? ChatAlt, string Sender, string? SenderAlt, string? PushName, bool FromMe,
        string TargetId, bool TargetFromMe, string Emoji, bool Removed, DateTimeOffset At);

    /// <summary><c>message.revoked</c>: <paramref name="Id"/> is the deleted message's id, <paramref name="By"/> who deleted it.</summary>
    public sealed record RevokedPayload(string Id, string Chat, string? ChatAlt, string By, string? ByAlt, bool FromMe, DateTimeOffset At);

    /// <summary><c>message.edited</c>: <paramref name="Id"/> is the edited message's id; type, text and content are its new ones.</summary>
    public sealed record EditedPayload(
        string Id, string Chat, string? ChatAlt, string Sender, string? SenderAlt, bool FromMe, string? Type, string? Text, object? Content, DateTimeOffset At);

    /// <summary>
    /// <c>message.poll_vote</c>: <paramref name="Id"/> is the vote's own id, <paramref name="PollId"/> the poll's. Once
    /// the session has read the vote, <paramref name="SelectedOptions"/> are the names chosen (empty: the vote was taken
    /// back) and <paramref name="UnknownOptions"/> counts choices naming no option of the poll; while
    /// <paramref name="Encrypted"/> the choice is unknown and <paramref name="Failure"/> says why when the session tried
    /// (<c>unknown_poll</c>, <c>AuthenticationFailed</c>, ...; null for a vote from a log written before votes were read).
    /// </summary>
    public sealed record PollVotePayload(
        string Id, string Chat, string? ChatAlt, string Sender, string? SenderAlt, string? PushName, bool FromMe, string PollId, bool Encrypted, DateTimeOffset At,
        IReadOnlyList<string>? SelectedOptions = null, int? UnknownOptions = null, string? Failure = null);

    public sealed record MessageStatusPayload(string Id, string Chat, string Status, string? Device, string? Reason);

    public sealed record UndecryptablePayload(string Id, string Chat, string Sender, int RetryCount, string Reason);

    public sealed record IdentityChangedPayload(string Jid, string Source);

    public sealed record CallOfferPayload(string CallId, string From, string Media, bool Rejected, DateTimeOffset At);

    public sealed record PresencePayload(string Jid, string State, DateTimeOffset? LastSeen);

    public sealed record ChatStatePayload(string Chat, string Sender, string State);

    /// <summary><c>history.sync</c>: one bounded batch of a history chunk (<paramref name="Part"/> from 0); no media keys.</summary>
    public sealed record HistorySyncPayload(
        string SyncType, uint ChunkOrder, uint Progress, int Part, IReadOnlyList<HistoryConversation> Conversations,
        IReadOnlyList<HistoryPushName> PushNames, IReadOnlyList<HistoryLidMapping> LidMappings);

    public sealed record GroupParticipantsPayload(string Group, string Action, IReadOnlyList<string> Participants, string? By, DateTimeOffset At);

    public sealed record GroupUpdatePayload(string Group, string Change, string? Subject, string? Description, string? By, DateTimeOffset At);
}
