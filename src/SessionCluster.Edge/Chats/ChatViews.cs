using SessionCluster.Sessions;

namespace SessionCluster.Edge.Chats;

/// <summary>The store's rows as the API shows them (docs/API.md "Chats and messages"); never an actor id.</summary>
public static class ChatViews
{
    public sealed record LastMessageView(string Id, string Direction, string? Type, string? Text, DateTimeOffset At);

    /// <param name="Name">The contact's push name for a one-to-one chat, when a message carried one.</param>
    /// <param name="Archived">Archived, <paramref name="Pinned"/> pinned, <paramref name="Muted"/> muted, as the session's app state last said.</param>
    /// <param name="MutedUntil">When a mute ends; null when it is forever or the chat is not muted.</param>
    public sealed record ChatView(
        string Jid, string? Name, int UnreadCount, DateTimeOffset LastActivityAt, LastMessageView LastMessage,
        bool Archived = false, bool Pinned = false, bool Muted = false, DateTimeOffset? MutedUntil = null);

    /// <summary><paramref name="Next"/>: the <c>cursor</c> of the following page, null on the last.</summary>
    public sealed record ChatPage(IReadOnlyList<ChatView> Chats, string? Next);

    /// <param name="Cursor">This message's place, for <c>before</c> or <c>after</c> (to read on from a message found elsewhere).</param>
    /// <param name="EditedAt">When it was edited last (its text is the new one); null when never.</param>
    /// <param name="RevokedAt">When it was deleted for everyone (its text is gone); null when not.</param>
    /// <param name="Reactions">Its reactions, one per reacting user, oldest first.</param>
    /// <param name="Votes">For a poll, each voter's current choice, oldest first; null for other kinds.</param>
    public sealed record MessageView(
        string Id, string Chat, string Direction, string? Sender, string? SenderAlt, string? PushName, string Type, string? Text, DateTimeOffset At, string Status, string Cursor,
        DateTimeOffset? EditedAt, DateTimeOffset? RevokedAt, IReadOnlyList<ReactionView> Reactions, IReadOnlyList<VoteView>? Votes);

    /// <summary>A reaction: <paramref name="From"/> is the reacting user, null with <paramref name="FromMe"/> for this session's account.</summary>
    public sealed record ReactionView(string? From, bool FromMe, string Emoji, DateTimeOffset At);

    /// <summary>A voter's current choice on a poll: <paramref name="From"/> is null with <paramref name="FromMe"/> for this session's account.</summary>
    public sealed record VoteView(string? From, bool FromMe, IReadOnlyList<string> Options, DateTimeOffset At);

    /// <summary>
    /// Messages oldest first. <paramref name="Older"/> and <paramref name="Newer"/> are the cursors of the first and last
    /// message (what <c>before</c> and <c>after</c> take to read on); on an empty page, the cursor asked with.
    /// </summary>
    public sealed record MessagePage(IReadOnlyList<MessageView> Messages, string? Older, string? Newer, bool HasOlder, bool HasNewer);

    public sealed record ContactView(string Jid, string? Pn, string? Lid, string? PushName, DateTimeOffset UpdatedAt);

    public sealed record ContactPage(IReadOnlyList<ContactView> Contacts, string? Next);

    /// <param name="Synced">Whether the chat was also marked read in app state, for the phone and the other devices (docs/API.md); false when the session could not write it (not connected, no app-state key yet).</param>
    public sealed record ReadView(string Chat, int Marked, bool Synced);

    public static ChatView Chat(StoredChat c) =>
        new(c.Jid, c.Name, (int)c.Unread, c.LastAt, new LastMessageView(c.LastMessageId, c.LastDirection, c.LastType, c.LastText, c.LastAt),
            c.Archived, c.Pinned, c.MutedUntil is not null, c.MutedUntil is > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(c.MutedUntil.Value) : null);

    public static MessageView Message(StoredMessage m) =>
        new(m.Id, m.Chat, m.Direction, m.Sender, m.SenderAlt, m.PushName, m.Type, m.Text, m.At, StatusName(m), StoreCursors.Of(m), m.EditedAt, m.RevokedAt,
            [.. m.Reactions.Select(r => new ReactionView(r.Reactor, r.Reactor is null, r.Emoji, r.At))],
            m.Type == "poll" ? [.. m.Votes.Select(v => new VoteView(v.Voter, v.Voter is null, v.Options, v.At))] : null);

    public static ContactView Contact(StoredContact c) => new(c.Jid, c.Pn, c.Lid, c.PushName, c.UpdatedAt);

    /// <summary>An outbound message's furthest status; an inbound one is <c>received</c>.</summary>
    public static string StatusName(StoredMessage m) => m.Status is { } status ? Name(status) : m.Direction == ChatJids.In ? "received" : Name(MessageDelivery.Accepted);

    public static string Name(MessageDelivery status) => status.ToString().ToLowerInvariant();
}
