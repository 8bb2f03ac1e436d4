using System.Data.Common;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Store;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// Applies a batch of session events to the store's tables in one transaction, together with each session's cursor
/// (<c>store_cursors</c>): an event at or below its session's cursor is skipped, so a batch given twice (a restarted
/// follower, a node restart between the journal read and the commit) changes nothing the second time. The cursor moves
/// only if nobody else moved it since it was read (another node projecting the same session, or a delete's tombstone);
/// otherwise the transaction is rolled back and the batch is tried again against the new cursors.
/// </summary>
internal static class ChatProjection
{
    private const int Attempts = 5;

    /// <param name="retentionDays">The tenant's <see cref="Tenants.Tenant.RetentionDays"/>: 0 keeps no message content.</param>
    /// <returns>How many of the batch's events were applied (the others were at or below their cursor).</returns>
    public static async Task<int> ApplyAsync(EdgeDatabase database, IReadOnlyList<TenantEvent> batch, Func<string, int?> retentionDays, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            await connection.ExecuteAsync(database.Dialect == EdgeDialect.Sqlite ? "BEGIN IMMEDIATE" : "BEGIN", cancellationToken).ConfigureAwait(false);
            try
            {
                var applied = await ApplyInTransactionAsync(connection, batch, retentionDays, cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);
                return applied;
            }
            catch (CursorMovedException) when (attempt < Attempts)
            {
                await connection.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                await connection.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    private static async Task<int> ApplyInTransactionAsync(DbConnection connection, IReadOnlyList<TenantEvent> batch, Func<string, int?> retentionDays, CancellationToken ct)
    {
        var stored = new Dictionary<string, long?>(StringComparer.Ordinal);
        var reached = new Dictionary<string, long>(StringComparer.Ordinal);
        var applied = 0;
        foreach (var e in batch)
        {
            var actor = e.Session.ActorId.Value;
            if (!stored.TryGetValue(actor, out var cursor))
            {
                cursor = await connection.QuerySingleAsync("SELECT seq FROM store_cursors WHERE actor_id = @actor", r => (long?)r.GetInt64(0), ct, ("actor", actor)).ConfigureAwait(false);
                stored[actor] = cursor;
            }

            var last = reached.TryGetValue(actor, out var moved) ? moved : cursor ?? 0;
            if (e.Event.Sequence <= last)
            {
                continue;
            }

            var keep = retentionDays(e.Session.TenantId) != 0;
            switch (e.Event.Body)
            {
                case MessageReceivedBody { Chat: SessionCommands.StatusChat } status:
                    // A status is no chat (docs/API.md "Status"): only its author's push name is kept; a file in it is found through the log.
                    if (!status.FromMe)
                    {
                        await ContactAsync(connection, actor, status, status.Timestamp.ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
                    }

                    break;
                case MessageStatusBody { Chat: SessionCommands.StatusChat }:
                    break;
                case MessageReceivedBody received:
                    await ReceivedAsync(connection, actor, e.Event.Sequence, received, keep, ct).ConfigureAwait(false);
                    break;
                case MessageStatusBody status:
                    await StatusAsync(connection, actor, e.Event, status, keep, ct).ConfigureAwait(false);
                    break;
                case HistorySyncBody history:
                    await HistoryProjection.ApplyAsync(connection, actor, history, keep, e.Event.At.ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
                    break;
                case PollVoteReceivedBody { Decrypted: true } vote when keep:
                    var voter = vote.FromMe ? ChatJids.Own : ChatJids.Key(vote.Sender, vote.SenderAlt);
                    await PollVoteProjection.FoldAsync(connection, actor, ChatJids.Of(vote.Chat, vote.ChatAlt), vote.PollMessageId, voter, vote.SelectedOptions,
                        vote.Timestamp.ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
                    break;
                case ChatSettingChangedBody setting:
                    await ChatSettingAsync(connection, actor, setting, ct).ConfigureAwait(false);
                    break;
            }

            reached[actor] = e.Event.Sequence;
            applied++;
        }

        foreach (var (actor, seq) in reached)
        {
            var moved = stored[actor] is { } old
                ? await connection.ExecuteAsync("UPDATE store_cursors SET seq = @seq WHERE actor_id = @actor AND seq = @old", ct, ("seq", seq), ("actor", actor), ("old", old)).ConfigureAwait(false)
                : await connection.ExecuteAsync("INSERT INTO store_cursors (actor_id, seq) VALUES (@actor, @seq) ON CONFLICT (actor_id) DO NOTHING", ct, ("actor", actor), ("seq", seq)).ConfigureAwait(false);
            if (moved != 1)
            {
                throw new CursorMovedException();
            }
        }

        return applied;
    }

    private static async Task ReceivedAsync(DbConnection connection, string actor, long seq, MessageReceivedBody received, bool keep, CancellationToken ct)
    {
        var chat = ChatJids.Of(received.Chat, received.ChatAlt);
        var direction = received.FromMe ? ChatJids.Out : ChatJids.In;
        var at = received.Timestamp.ToUnixTimeMilliseconds();
        if (keep)
        {
            // The real kind and text or caption (docs/API.md "Event types"); the media route needs no session name here.
            var content = MessageContentView.Of(received.Message, "", received.MessageId);
            var inserted = await connection.ExecuteAsync(
                "INSERT INTO store_messages (actor_id, chat, id, direction, sender, sender_alt, push_name, wire_chat, type, text, at) " +
                "VALUES (@actor, @chat, @id, @direction, @sender, @senderAlt, @pushName, @wireChat, @type, @text, @at) ON CONFLICT (actor_id, chat, id) DO NOTHING",
                ct, ("actor", actor), ("chat", chat), ("id", received.MessageId), ("direction", direction), ("sender", received.Sender), ("senderAlt", received.SenderAlt),
                ("pushName", received.PushName), ("wireChat", received.Chat), ("type", content.Kind), ("text", content.Text), ("at", at)).ConfigureAwait(false);
            if (inserted == 0)
            {
                // The session reported this message before (a redelivery): the chat has counted it already.
                return;
            }

            // The event's place in the log: a file's keys are in the event only, and a download reads it back by this.
            await connection.ExecuteAsync("UPDATE store_messages SET seq = @seq WHERE actor_id = @actor AND chat = @chat AND id = @id",
                ct, ("seq", seq), ("actor", actor), ("chat", chat), ("id", received.MessageId)).ConfigureAwait(false);
            var reactor = received.FromMe ? ChatJids.Own : ChatJids.Key(received.Sender, received.SenderAlt);
            await FoldAsync(connection, actor, chat, content.Content, reactor, at, ct).ConfigureAwait(false);
        }

        await TouchChatAsync(connection, actor, chat, received.MessageId, direction, at, received.FromMe ? Unread.Clear : Unread.Count, ct).ConfigureAwait(false);
        if (!received.FromMe)
        {
            await ContactAsync(connection, actor, received, at, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An edit, a revoke or a reaction also changes the message it acts on: an edit's new text replaces the old one, a
    /// revoke removes it, both keeping when (<c>edited_at</c>, <c>revoked_at</c>); a reaction is kept beside the message,
    /// one per <paramref name="reactor"/> (the newest wins; an empty emoji takes it back). Each stays a row of its own too.
    /// </summary>
    /// <param name="reactor">Who sent it: a user jid, or <see cref="ChatJids.Own"/> for this session's account.</param>
    internal static Task<int> FoldAsync(DbConnection connection, string actor, string chat, object content, string reactor, long at, CancellationToken ct) => content switch
    {
        MessageContentView.EditContent edit => connection.ExecuteAsync(
            "UPDATE store_messages SET text = @text, edited_at = @at WHERE actor_id = @actor AND chat = @chat AND id = @id AND revoked_at IS NULL",
            ct, ("text", edit.Now?.Text), ("at", at), ("actor", actor), ("chat", chat), ("id", edit.TargetId)),
        MessageContentView.RevokeContent revoke => connection.ExecuteAsync(
            "UPDATE store_messages SET text = NULL, revoked_at = @at WHERE actor_id = @actor AND chat = @chat AND id = @id",
            ct, ("at", at), ("actor", actor), ("chat", chat), ("id", revoke.TargetId)),
        MessageContentView.ReactionContent { Emoji.Length: 0 } takenBack => connection.ExecuteAsync(
            "DELETE FROM store_reactions WHERE actor_id = @actor AND chat = @chat AND message_id = @id AND reactor = @reactor AND at <= @at",
            ct, ("actor", actor), ("chat", chat), ("id", takenBack.Key.ID), ("reactor", reactor), ("at", at)),
        MessageContentView.ReactionContent reaction => connection.ExecuteAsync(
            "INSERT INTO store_reactions (actor_id, chat, message_id, reactor, emoji, at) VALUES (@actor, @chat, @id, @reactor, @emoji, @at) " +
            "ON CONFLICT (actor_id, chat, message_id, reactor) DO UPDATE SET emoji = excluded.emoji, at = excluded.at WHERE excluded.at >= store_reactions.at",
            ct, ("actor", actor), ("chat", chat), ("id", reaction.Key.ID), ("reactor", reactor), ("emoji", reaction.Emoji), ("at", at)),
        _ => Task.FromResult(0),
    };

    private static async Task StatusAsync(DbConnection connection, string actor, SessionEvent e, MessageStatusBody status, bool keep, CancellationToken ct)
    {
        var at = e.At.ToUnixTimeMilliseconds();
        var rank = (long)status.Status;
        if (status.Status == MessageDelivery.Accepted)
        {
            await TouchChatAsync(connection, actor, status.Chat, status.MessageId, ChatJids.Out, at, Unread.Keep, ct).ConfigureAwait(false);
            if (keep)
            {
                // The send route may have stored the row (with its text) first: then only the status moves.
                await connection.ExecuteAsync(
                    "INSERT INTO store_messages (actor_id, chat, id, direction, type, at, status) VALUES (@actor, @chat, @id, 'out', 'other', @at, @status) " +
                    "ON CONFLICT (actor_id, chat, id) DO NOTHING",
                    ct, ("actor", actor), ("chat", status.Chat), ("id", status.MessageId), ("at", at), ("status", rank)).ConfigureAwait(false);
            }
        }

        if (!keep)
        {
            return;
        }

        await connection.ExecuteAsync(
            "INSERT INTO store_statuses (actor_id, seq, chat, message_id, status, device, reason, at) " +
            "SELECT @actor, @seq, @chat, @id, @status, @device, @reason, @at WHERE EXISTS (SELECT 1 FROM store_messages WHERE actor_id = @actor AND chat = @chat AND id = @id)",
            ct, ("actor", actor), ("seq", e.Sequence), ("chat", status.Chat), ("id", status.MessageId), ("status", rank), ("device", status.Device),
            ("reason", status.Reason), ("at", at)).ConfigureAwait(false);

        // The furthest status wins: receipts of several devices come in any order, and Failed (the highest) is final.
        await connection.ExecuteAsync(
            "UPDATE store_messages SET status = CASE WHEN status IS NULL OR status < @status THEN @status ELSE status END WHERE actor_id = @actor AND chat = @chat AND id = @id",
            ct, ("status", rank), ("actor", actor), ("chat", status.Chat), ("id", status.MessageId)).ConfigureAwait(false);
    }

    /// <summary>What a message does to its chat's unread count.</summary>
    private enum Unread
    {
        /// <summary>An inbound message: one more unread.</summary>
        Count,

        /// <summary>A message one of our other devices (the phone) wrote: its user has the chat open, so it is read.</summary>
        Clear,

        /// <summary>A send through the API: it sends no read receipt, so what is unread stays unread until <c>:read</c>.</summary>
        Keep,
    }

    /// <summary>The chat's last message moves to this one if it is not older, and its unread count as <paramref name="unread"/> says.</summary>
    private static Task<int> TouchChatAsync(DbConnection connection, string actor, string chat, string messageId, string direction, long at, Unread unread, CancellationToken ct) =>
        connection.ExecuteAsync(
            "INSERT INTO store_chats (actor_id, jid, last_message_id, last_direction, last_at, unread) VALUES (@actor, @chat, @id, @direction, @at, @unread) " +
            "ON CONFLICT (actor_id, jid) DO UPDATE SET " +
            "last_message_id = CASE WHEN excluded.last_at >= store_chats.last_at THEN excluded.last_message_id ELSE store_chats.last_message_id END, " +
            "last_direction = CASE WHEN excluded.last_at >= store_chats.last_at THEN excluded.last_direction ELSE store_chats.last_direction END, " +
            "last_at = CASE WHEN excluded.last_at >= store_chats.last_at THEN excluded.last_at ELSE store_chats.last_at END, " +
            "unread = " + unread switch { Unread.Count => "store_chats.unread + 1", Unread.Clear => "0", _ => "store_chats.unread" },
            ct, ("actor", actor), ("chat", chat), ("id", messageId), ("direction", direction), ("at", at), ("unread", unread == Unread.Count ? 1L : 0L));

    private static Task<int> ContactAsync(DbConnection connection, string actor, MessageReceivedBody received, long at, CancellationToken ct)
    {
        var (pn, lid) = ChatJids.Forms(received.Sender, received.SenderAlt);
        return connection.ExecuteAsync(
            "INSERT INTO store_contacts (actor_id, jid, pn, lid, push_name, updated_at) VALUES (@actor, @jid, @pn, @lid, @pushName, @at) " +
            "ON CONFLICT (actor_id, jid) DO UPDATE SET pn = COALESCE(excluded.pn, store_contacts.pn), lid = COALESCE(excluded.lid, store_contacts.lid), " +
            "push_name = COALESCE(excluded.push_name, store_contacts.push_name), updated_at = excluded.updated_at",
            ct, ("actor", actor), ("jid", pn ?? lid ?? received.Sender), ("pn", pn), ("lid", lid), ("pushName", received.PushName), ("at", at));
    }

    /// <summary>
    /// An app-state chat setting on a chat the store has (a chat with no message yet is not made for it): archived,
    /// pinned, muted as it says; marked read clears the unread count, marked unread leaves it.
    /// </summary>
    private static Task<int> ChatSettingAsync(DbConnection connection, string actor, ChatSettingChangedBody setting, CancellationToken ct)
    {
        var (column, value) = setting.Setting switch
        {
            ChatSetting.Archived => ("archived", (object?)(setting.On ? 1L : 0L)),
            ChatSetting.Pinned => ("pinned", setting.On ? 1L : 0L),
            ChatSetting.Muted => ("muted_until", setting.On ? setting.MuteEnd?.ToUnixTimeMilliseconds() ?? -1L : null),
            _ => ("unread", setting.On ? 0L : null),
        };
        if (column == "unread" && value is null)
        {
            return Task.FromResult(0);
        }

        return connection.ExecuteAsync($"UPDATE store_chats SET {column} = @value WHERE actor_id = @actor AND jid = @chat", ct, ("value", value), ("actor", actor), ("chat", setting.Chat));
    }

    /// <summary>Another writer moved a session's cursor between this transaction's read and its write.</summary>
    private sealed class CursorMovedException() : Exception("A session's store cursor moved during the batch; the batch is applied again.");
}
