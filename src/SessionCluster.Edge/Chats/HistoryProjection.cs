using System.Data.Common;
using SessionCluster.Edge.Store;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// A history-sync batch in the store (docs/API.md "Chats and messages"): the phone's PN ↔ LID pairs and push names
/// become contacts, its conversations chats, and their stored messages rows like live ones. History never overrides
/// what live events wrote: a message already stored stays, a chat's last message moves only to a newer one, and a
/// chat's unread count comes from the phone only when the store had no such chat yet.
/// </summary>
internal static class HistoryProjection
{
    public static async Task ApplyAsync(DbConnection connection, string actor, HistorySyncBody history, bool keep, long at, CancellationToken ct)
    {
        foreach (var mapping in history.LidMappings)
        {
            await connection.ExecuteAsync(
                "INSERT INTO store_contacts (actor_id, jid, pn, lid, updated_at) VALUES (@actor, @pn, @pn, @lid, @at) " +
                "ON CONFLICT (actor_id, jid) DO UPDATE SET lid = COALESCE(store_contacts.lid, excluded.lid)",
                ct, ("actor", actor), ("pn", mapping.Pn), ("lid", mapping.Lid), ("at", at)).ConfigureAwait(false);
        }

        foreach (var name in history.PushNames)
        {
            var (pn, lid) = ChatJids.Forms(name.Jid, null);
            await connection.ExecuteAsync(
                "INSERT INTO store_contacts (actor_id, jid, pn, lid, push_name, updated_at) VALUES (@actor, @jid, @pn, @lid, @name, @at) " +
                "ON CONFLICT (actor_id, jid) DO UPDATE SET push_name = COALESCE(store_contacts.push_name, excluded.push_name)",
                ct, ("actor", actor), ("jid", name.Jid), ("pn", pn), ("lid", lid), ("name", name.Name), ("at", at)).ConfigureAwait(false);
        }

        foreach (var conversation in history.Conversations)
        {
            await ConversationAsync(connection, actor, conversation, keep, ct).ConfigureAwait(false);
        }
    }

    private static async Task ConversationAsync(DbConnection connection, string actor, HistoryConversation conversation, bool keep, CancellationToken ct)
    {
        var chat = await ChatKeyAsync(connection, actor, conversation.Jid, ct).ConfigureAwait(false);
        if (keep)
        {
            foreach (var message in conversation.Messages)
            {
                // A one-to-one chat's inbound messages are the contact's; a group's name their sender.
                var sender = message.FromMe ? null : message.Sender ?? conversation.Jid;
                await connection.ExecuteAsync(
                    "INSERT INTO store_messages (actor_id, chat, id, direction, sender, wire_chat, type, text, at) " +
                    "VALUES (@actor, @chat, @id, @direction, @sender, @wireChat, @type, @text, @at) ON CONFLICT (actor_id, chat, id) DO NOTHING",
                    ct, ("actor", actor), ("chat", chat), ("id", message.Id), ("direction", message.FromMe ? ChatJids.Out : ChatJids.In), ("sender", sender),
                    ("wireChat", conversation.Jid), ("type", message.Text is null ? "other" : "text"), ("text", message.Text),
                    ("at", message.At.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            }
        }

        if (conversation.Messages.Count == 0)
        {
            // A chat row names its last message; a conversation without stored messages adds nothing to list.
            return;
        }

        var last = conversation.Messages.MaxBy(m => m.At)!;
        await connection.ExecuteAsync(
            "INSERT INTO store_chats (actor_id, jid, last_message_id, last_direction, last_at, unread) VALUES (@actor, @chat, @id, @direction, @at, @unread) " +
            "ON CONFLICT (actor_id, jid) DO UPDATE SET " +
            "last_message_id = CASE WHEN excluded.last_at > store_chats.last_at THEN excluded.last_message_id ELSE store_chats.last_message_id END, " +
            "last_direction = CASE WHEN excluded.last_at > store_chats.last_at THEN excluded.last_direction ELSE store_chats.last_direction END, " +
            "last_at = CASE WHEN excluded.last_at > store_chats.last_at THEN excluded.last_at ELSE store_chats.last_at END",
            ct, ("actor", actor), ("chat", chat), ("id", last.Id), ("direction", last.FromMe ? ChatJids.Out : ChatJids.In), ("at", last.At.ToUnixTimeMilliseconds()),
            ("unread", (long)(conversation.UnreadCount ?? 0))).ConfigureAwait(false);
    }

    /// <summary>A one-to-one chat the phone names by LID is keyed by its phone number when the store knows the pair (<see cref="ChatJids"/>).</summary>
    private static async Task<string> ChatKeyAsync(DbConnection connection, string actor, string jid, CancellationToken ct)
    {
        var (_, lid) = ChatJids.Forms(jid, null);
        if (lid is null)
        {
            return jid;
        }

        var pn = await connection.QuerySingleAsync("SELECT pn FROM store_contacts WHERE actor_id = @actor AND lid = @lid AND pn IS NOT NULL LIMIT 1",
            r => r.GetString(0), ct, ("actor", actor), ("lid", lid)).ConfigureAwait(false);
        return ChatJids.Of(jid, pn);
    }
}
