using System.Data.Common;
using SessionCluster.Edge.Store;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// A chat as listed: its last message (its content null once retention removed it or the tenant keeps none), unread
/// count, and for a one-to-one chat the contact's push name.
/// </summary>
/// <param name="MutedUntil">Unix ms; -1 muted forever; null not muted (app state, docs/API.md "Chat settings").</param>
public sealed record StoredChat(
    string Jid, string LastMessageId, string LastDirection, DateTimeOffset LastAt, long Unread, string? LastType, string? LastText, string? Name,
    bool Archived = false, bool Pinned = false, long? MutedUntil = null);

/// <summary>One stored message; <paramref name="Status"/> is the furthest delivery of an outbound one, null for inbound.</summary>
public sealed record StoredMessage(
    string Chat, string Id, string Direction, string? Sender, string? SenderAlt, string? PushName, string Type, string? Text, DateTimeOffset At, MessageDelivery? Status)
{
    /// <summary>When the message was edited last (its text is the new one), or null.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>When the message was revoked (deleted for everyone; its text is gone), or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Its reactions, one per reacting user, oldest first.</summary>
    public IReadOnlyList<StoredReaction> Reactions { get; init; } = [];

    /// <summary>For a poll: each voter's current choice, oldest first.</summary>
    public IReadOnlyList<StoredVote> Votes { get; init; } = [];
}

/// <summary>A voter's current choice on a stored poll: <paramref name="Voter"/> is a user jid, or null for this session's account.</summary>
public sealed record StoredVote(string? Voter, IReadOnlyList<string> Options, DateTimeOffset At);

/// <summary>A reaction to a stored message: <paramref name="Reactor"/> is a user jid, or null for this session's account.</summary>
public sealed record StoredReaction(string? Reactor, string Emoji, DateTimeOffset At);

/// <summary>One status an outbound message reached, in the order the session reported them.</summary>
public sealed record StoredStatus(MessageDelivery Status, DateTimeOffset At, string? Device, string? Reason);

public sealed record StoredContact(string Jid, string? Pn, string? Lid, string? PushName, DateTimeOffset UpdatedAt);

/// <summary>An inbound message a read receipt is sent for: the chat and sender as the server named them.</summary>
public sealed record UnreadMessage(string WireChat, string Sender, string Id);

/// <summary>A page position: the (time, id) of a message or chat, compared as a pair so that equal times keep one order.</summary>
public sealed record StoreCursor(long At, string Key);

/// <summary>
/// The chats and messages store's reads and its deletions (the writes from events are <see cref="ChatProjection"/>'s).
/// Every query names the session's actor id: a route resolves the tenant's session first, so no query reaches another
/// tenant's rows.
/// </summary>
public sealed class ChatStore(EdgeDatabase database)
{
    private const string MessageColumns = "chat, id, direction, sender, sender_alt, push_name, type, text, at, status, edited_at, revoked_at";

    /// <summary>The session's chats, the most recently active first, after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<StoredChat>> ChatsAsync(SessionId actor, StoreCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var page = after is null ? "" : "AND (c.last_at < @at OR (c.last_at = @at AND c.jid < @key)) ";
        return await connection.QueryAsync(
            "SELECT c.jid, c.last_message_id, c.last_direction, c.last_at, c.unread, m.type, m.text, p.push_name, c.archived, c.pinned, c.muted_until FROM store_chats c " +
            "LEFT JOIN store_messages m ON m.actor_id = c.actor_id AND m.chat = c.jid AND m.id = c.last_message_id " +
            "LEFT JOIN store_contacts p ON p.actor_id = c.actor_id AND p.jid = c.jid " +
            "WHERE c.actor_id = @actor " + page + "ORDER BY c.last_at DESC, c.jid DESC LIMIT @limit",
            r => new StoredChat(r.GetString(0), r.GetString(1), r.GetString(2), r.UnixMs(3), r.GetInt64(4), r.NullableString(5), r.NullableString(6), r.NullableString(7),
                r.GetInt64(8) != 0, r.GetInt64(9) != 0, r.NullableInt64(10)),
            cancellationToken, ("actor", actor.Value), ("at", after?.At ?? 0), ("key", after?.Key ?? ""), ("limit", (long)limit)).ConfigureAwait(false);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> messages of a chat next to a cursor, oldest first: just older than
    /// <paramref name="before"/>, just newer than <paramref name="after"/>, or the newest when neither is given.
    /// </summary>
    public async Task<IReadOnlyList<StoredMessage>> MessagesAsync(SessionId actor, string chat, StoreCursor? before, StoreCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var (where, order) = after is not null
            ? ("AND (at > @at OR (at = @at AND id > @key)) ", "ORDER BY at, id")
            : before is not null ? ("AND (at < @at OR (at = @at AND id < @key)) ", "ORDER BY at DESC, id DESC") : ("", "ORDER BY at DESC, id DESC");
        var cursor = after ?? before;
        var rows = await connection.QueryAsync(
            $"SELECT {MessageColumns} FROM store_messages WHERE actor_id = @actor AND chat = @chat {where}{order} LIMIT @limit",
            ReadMessage, cancellationToken, ("actor", actor.Value), ("chat", chat), ("at", cursor?.At ?? 0), ("key", cursor?.Key ?? ""), ("limit", (long)limit)).ConfigureAwait(false);
        if (after is null)
        {
            rows.Reverse();
        }

        return await WithReactionsAndVotesAsync(connection, actor, chat, rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the chat has a message older (<paramref name="older"/>) or newer than the cursor.</summary>
    public async Task<bool> AnyBeyondAsync(SessionId actor, string chat, StoreCursor cursor, bool older, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var comparison = older ? "(at < @at OR (at = @at AND id < @key))" : "(at > @at OR (at = @at AND id > @key))";
        return await connection.QuerySingleAsync($"SELECT 1 FROM store_messages WHERE actor_id = @actor AND chat = @chat AND {comparison} LIMIT 1",
            _ => true, cancellationToken, ("actor", actor.Value), ("chat", chat), ("at", cursor.At), ("key", cursor.Key)).ConfigureAwait(false);
    }

    /// <summary>A message by its id (ours first, should a peer's message carry the same id) with its status history, or null.</summary>
    public async Task<(StoredMessage Message, IReadOnlyList<StoredStatus> History)?> MessageAsync(SessionId actor, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var message = await connection.QuerySingleAsync($"SELECT {MessageColumns} FROM store_messages WHERE actor_id = @actor AND id = @id ORDER BY direction DESC LIMIT 1",
            ReadMessage, cancellationToken, ("actor", actor.Value), ("id", id)).ConfigureAwait(false);
        if (message is null)
        {
            return null;
        }

        message = (await WithReactionsAndVotesAsync(connection, actor, message.Chat, [message], cancellationToken).ConfigureAwait(false))[0];
        var history = await connection.QueryAsync(
            "SELECT status, at, device, reason FROM store_statuses WHERE actor_id = @actor AND chat = @chat AND message_id = @id ORDER BY seq",
            r => new StoredStatus((MessageDelivery)r.GetInt64(0), r.UnixMs(1), r.NullableString(2), r.NullableString(3)),
            cancellationToken, ("actor", actor.Value), ("chat", message.Chat), ("id", id)).ConfigureAwait(false);
        return (message, history);
    }

    /// <summary>
    /// The session event that reported the received message <paramref name="id"/> (its sequence in the session's log), or
    /// null when the store has no such row or it predates the column (migration 0004).
    /// </summary>
    public async Task<long?> ReceivedSeqAsync(SessionId actor, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync("SELECT seq FROM store_messages WHERE actor_id = @actor AND id = @id AND seq IS NOT NULL LIMIT 1",
            r => (long?)r.GetInt64(0), cancellationToken, ("actor", actor.Value), ("id", id)).ConfigureAwait(false);
    }

    /// <summary>The session's contacts in jid order after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<StoredContact>> ContactsAsync(SessionId actor, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(
            "SELECT jid, pn, lid, push_name, updated_at FROM store_contacts WHERE actor_id = @actor AND jid > @after ORDER BY jid LIMIT @limit",
            r => new StoredContact(r.GetString(0), r.NullableString(1), r.NullableString(2), r.NullableString(3), r.UnixMs(4)),
            cancellationToken, ("actor", actor.Value), ("after", after ?? ""), ("limit", (long)limit)).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the kind and text (or caption, or reaction emoji) of a send the session accepted (session events carry a
    /// send's status, not its content). The projector may have stored the row from the Accepted event first; the kind is
    /// then set and the text added, never replaced.
    /// </summary>
    public async Task RecordSentAsync(SessionId actor, string chat, string id, string type, string? text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO store_messages (actor_id, chat, id, direction, type, text, at, status) VALUES (@actor, @chat, @id, 'out', @type, @text, @at, @status) " +
            "ON CONFLICT (actor_id, chat, id) DO UPDATE SET type = excluded.type, text = COALESCE(store_messages.text, excluded.text)",
            cancellationToken, ("actor", actor.Value), ("chat", chat), ("id", id), ("type", type), ("text", text), ("at", at.ToUnixTimeMilliseconds()),
            ("status", (long)MessageDelivery.Accepted)).ConfigureAwait(false);
    }

    /// <summary>Folds an edit, a revoke or a reaction into the stored message it acts on (<see cref="ChatProjection.FoldAsync"/>).</summary>
    public async Task FoldAsync(SessionId actor, string chat, object content, string reactor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ChatProjection.FoldAsync(connection, actor.Value, chat, content, reactor, at.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The chat's unread inbound messages (the newest <c>unread</c> of them), what a read receipt names.</summary>
    public async Task<IReadOnlyList<UnreadMessage>> UnreadAsync(SessionId actor, string chat, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var unread = await connection.QuerySingleAsync("SELECT unread FROM store_chats WHERE actor_id = @actor AND jid = @chat",
            r => r.GetInt64(0), cancellationToken, ("actor", actor.Value), ("chat", chat)).ConfigureAwait(false);
        if (unread == 0)
        {
            return [];
        }

        return await connection.QueryAsync(
            "SELECT wire_chat, sender, id FROM store_messages WHERE actor_id = @actor AND chat = @chat AND direction = 'in' AND wire_chat IS NOT NULL AND sender IS NOT NULL " +
            "ORDER BY at DESC, id DESC LIMIT @limit",
            r => new UnreadMessage(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, ("actor", actor.Value), ("chat", chat), ("limit", unread)).ConfigureAwait(false);
    }

    /// <summary>Whether the session has a chat with this jid.</summary>
    public async Task<bool> HasChatAsync(SessionId actor, string chat, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync("SELECT 1 FROM store_chats WHERE actor_id = @actor AND jid = @chat", _ => true, cancellationToken,
            ("actor", actor.Value), ("chat", chat)).ConfigureAwait(false);
    }

    /// <summary>The chat is read: its unread count is 0 until the next inbound message.</summary>
    public async Task MarkReadAsync(SessionId actor, string chat, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE store_chats SET unread = 0 WHERE actor_id = @actor AND jid = @chat", cancellationToken,
            ("actor", actor.Value), ("chat", chat)).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes everything the store keeps of a session, and leaves its cursor at the end of time so that no event of
    /// it still on its way to the projector writes a row again.
    /// </summary>
    public async Task DeleteSessionAsync(SessionId actor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(database.Dialect == EdgeDialect.Sqlite ? "BEGIN IMMEDIATE" : "BEGIN", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var table in new[] { "store_statuses", "store_reactions", "store_poll_votes", "store_messages", "store_chats", "store_contacts" })
            {
                await connection.ExecuteAsync($"DELETE FROM {table} WHERE actor_id = @actor", cancellationToken, ("actor", actor.Value)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(
                "INSERT INTO store_cursors (actor_id, seq) VALUES (@actor, @end) ON CONFLICT (actor_id) DO UPDATE SET seq = excluded.seq",
                cancellationToken, ("actor", actor.Value), ("end", long.MaxValue)).ConfigureAwait(false);
            await connection.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Retention: deletes the messages (and their status history) of every tenant with <c>retention_days</c> set that are
    /// older than that many days at <paramref name="now"/>; chats, contacts and cursors stay. The number of messages deleted.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var tenants = await connection.QueryAsync("SELECT id, retention_days FROM tenants WHERE retention_days IS NOT NULL",
            r => (Id: r.GetString(0), Days: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var (tenant, days) in tenants)
        {
            var cut = now.AddDays(-days).ToUnixTimeMilliseconds();
            const string Sessions = "SELECT actor_id FROM sessions WHERE tenant_id = @tenant";
            await connection.ExecuteAsync(
                "DELETE FROM store_statuses WHERE actor_id IN (" + Sessions + ") AND EXISTS (SELECT 1 FROM store_messages m " +
                "WHERE m.actor_id = store_statuses.actor_id AND m.chat = store_statuses.chat AND m.id = store_statuses.message_id AND m.at < @cut)",
                cancellationToken, ("tenant", tenant), ("cut", cut)).ConfigureAwait(false);
            foreach (var folded in new[] { "store_reactions", "store_poll_votes" })
            {
                await connection.ExecuteAsync($"DELETE FROM {folded} WHERE actor_id IN (" + Sessions + ") AND at < @cut",
                    cancellationToken, ("tenant", tenant), ("cut", cut)).ConfigureAwait(false);
            }
            deleted += await connection.ExecuteAsync("DELETE FROM store_messages WHERE actor_id IN (" + Sessions + ") AND at < @cut",
                cancellationToken, ("tenant", tenant), ("cut", cut)).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>The stored cursors of these sessions (absent: nothing applied yet).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CursorsAsync(IEnumerable<SessionId> actors, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var actor in actors)
        {
            if (await connection.QuerySingleAsync("SELECT seq FROM store_cursors WHERE actor_id = @actor", r => (long?)r.GetInt64(0), cancellationToken,
                    ("actor", actor.Value)).ConfigureAwait(false) is { } seq)
            {
                cursors[actor.Value] = seq;
            }
        }

        return cursors;
    }

    /// <summary>The messages (of one chat) with their reactions and, for polls, votes: one query each.</summary>
    private static async Task<List<StoredMessage>> WithReactionsAndVotesAsync(DbConnection connection, SessionId actor, string chat, List<StoredMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return messages;
        }

        var ids = messages.Select((m, i) => ($"m{i}", (object?)m.Id)).ToList();
        (string, object?)[] parameters = [("actor", actor.Value), ("chat", chat), .. ids];
        var list = string.Join(", ", ids.Select(p => "@" + p.Item1));
        var reactions = await connection.QueryAsync(
            $"SELECT message_id, reactor, emoji, at FROM store_reactions WHERE actor_id = @actor AND chat = @chat AND message_id IN ({list}) ORDER BY at, reactor",
            r => (MessageId: r.GetString(0), Reaction: new StoredReaction(NullIfOwn(r.GetString(1)), r.GetString(2), r.UnixMs(3))),
            cancellationToken, parameters).ConfigureAwait(false);
        var votes = messages.Any(m => m.Type == "poll")
            ? await connection.QueryAsync(
                $"SELECT poll_id, voter, options, at FROM store_poll_votes WHERE actor_id = @actor AND chat = @chat AND poll_id IN ({list}) ORDER BY at, voter",
                r => (MessageId: r.GetString(0), Vote: new StoredVote(NullIfOwn(r.GetString(1)), PollVoteProjection.Options(r.GetString(2)), r.UnixMs(3))),
                cancellationToken, parameters).ConfigureAwait(false)
            : [];
        if (reactions.Count == 0 && votes.Count == 0)
        {
            return messages;
        }

        var reactionsOf = reactions.ToLookup(r => r.MessageId, r => r.Reaction, StringComparer.Ordinal);
        var votesOf = votes.ToLookup(v => v.MessageId, v => v.Vote, StringComparer.Ordinal);
        return [.. messages.Select(m => m with { Reactions = [.. reactionsOf[m.Id]], Votes = [.. votesOf[m.Id]] })];
    }

    private static string? NullIfOwn(string who) => who == ChatJids.Own ? null : who;

    /// <summary>Records this session's own vote on a poll, as a received one is (<see cref="PollVoteProjection"/>).</summary>
    public async Task RecordVoteAsync(SessionId actor, string chat, string pollId, IReadOnlyList<string> options, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PollVoteProjection.FoldAsync(connection, actor.Value, chat, pollId, ChatJids.Own, options, at.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    private static StoredMessage ReadMessage(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.NullableString(3), r.NullableString(4), r.NullableString(5), r.GetString(6), r.NullableString(7),
        r.UnixMs(8), r.NullableInt64(9) is { } status ? (MessageDelivery)status : null)
    {
        EditedAt = r.NullableInt64(10) is { } edited ? DateTimeOffset.FromUnixTimeMilliseconds(edited) : null,
        RevokedAt = r.NullableInt64(11) is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null,
    };
}
