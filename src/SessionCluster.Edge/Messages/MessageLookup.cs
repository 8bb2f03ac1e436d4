using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// A message of a session as the caller names it by id: its chat, its sender and whether the session's account sent
/// it; its kind, text and time when known (a send found only in the log has no kind or text there).
/// </summary>
internal sealed record KnownMessage(string Id, string Chat, string? Sender, bool FromMe, string? Type = null, string? Text = null, DateTimeOffset? At = null);

/// <summary>
/// Finds a message by id for commands that name one (a reaction, a Cloud read status): in the chats store first, and in
/// the session's event log when the store has no row (a tenant that keeps no messages, or a store not caught up yet).
/// The log is read in pages, linear in its length; it is the fallback, not the path.
/// </summary>
internal static class MessageLookup
{
    private const int PageSize = 1000;

    public static async Task<KnownMessage?> FindAsync(SessionEntry entry, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        if (await deps.Chats.MessageAsync(entry.ActorId, messageId, ct).ConfigureAwait(false) is { } stored)
        {
            var fromMe = stored.Message.Direction == Chats.ChatJids.Out;
            return new KnownMessage(messageId, stored.Message.Chat, stored.Message.Sender, fromMe, stored.Message.Type, stored.Message.Text, stored.Message.At);
        }

        return await FindInLogAsync(entry.ActorId, messageId, deps, ct).ConfigureAwait(false);
    }

    /// <summary>A received message with that id from the session's log, with the chat and sender as the server named them (what a read receipt needs).</summary>
    public static async Task<MessageReceivedBody?> FindReceivedAsync(SessionId id, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        MessageReceivedBody? found = null;
        await ScanAsync(id, deps, e =>
        {
            found = e.Body is MessageReceivedBody { FromMe: false } received && received.MessageId == messageId ? received : null;
            return found is not null;
        }, ct).ConfigureAwait(false);
        return found;
    }

    /// <summary>A message with that id the session received (from a peer, or from one of its own account's other devices), from the session's log.</summary>
    public static async Task<MessageReceivedBody?> FindAnyReceivedAsync(SessionId id, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        MessageReceivedBody? found = null;
        await ScanAsync(id, deps, e =>
        {
            found = e.Body is MessageReceivedBody received && received.MessageId == messageId ? received : null;
            return found is not null;
        }, ct).ConfigureAwait(false);
        return found;
    }

    private static async Task<KnownMessage?> FindInLogAsync(SessionId id, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        KnownMessage? found = null;
        await ScanAsync(id, deps, e =>
        {
            found = e.Body switch
            {
                MessageReceivedBody received when received.MessageId == messageId =>
                    new KnownMessage(messageId, received.Chat, received.Sender, received.FromMe, received.Text is null ? null : "text", received.Text, received.Timestamp),
                MessageStatusBody { Status: MessageDelivery.Accepted } sent when sent.MessageId == messageId => new KnownMessage(messageId, sent.Chat, null, FromMe: true, At: e.At),
                _ => null,
            };
            return found is not null;
        }, ct).ConfigureAwait(false);
        return found;
    }

    /// <summary>Reads the log from its start until <paramref name="stop"/> says so or the log ends.</summary>
    private static async Task ScanAsync(SessionId id, EdgeDependencies deps, Func<SessionEvent, bool> stop, CancellationToken ct)
    {
        var after = 0L;
        while (true)
        {
            var page = await deps.Events.ReadAsync(id, after, PageSize, ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                if (stop(e))
                {
                    return;
                }

                after = e.Sequence;
            }

            if (page.Count < PageSize)
            {
                return;
            }
        }
    }
}
