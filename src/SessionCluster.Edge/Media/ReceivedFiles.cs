using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Media;

/// <summary>
/// Finds a received message by id for a download of its file: the file's keys and path are only in the session's event
/// (<see cref="MessageReceivedBody.Message"/>), so the store gives the event's sequence (migration 0004) and that one
/// event is read back; without a store row (a tenant that keeps no messages, a row older than the column, a store not
/// caught up) the log is scanned (<see cref="MessageLookup"/>).
/// </summary>
internal static class ReceivedFiles
{
    /// <summary>WhatsApp message ids are short hex or base32 strings; 128 bounds what is compared, never stored.</summary>
    public const int MaxMessageIdLength = 128;

    public static bool IsMessageId(string messageId) => messageId.Length is > 0 and <= MaxMessageIdLength && messageId.All(char.IsAsciiLetterOrDigit);

    /// <summary>The received message <paramref name="messageId"/> of the session, or null when it received none by that id.</summary>
    public static async Task<MessageReceivedBody?> FindAsync(SessionEntry entry, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        if (await deps.Chats.ReceivedSeqAsync(entry.ActorId, messageId, ct).ConfigureAwait(false) is { } seq)
        {
            var events = await deps.Events.ReadAsync(entry.ActorId, seq - 1, 1, ct).ConfigureAwait(false);
            if (events is [{ Body: MessageReceivedBody received }] && received.MessageId == messageId)
            {
                return received;
            }
        }

        return await MessageLookup.FindAnyReceivedAsync(entry.ActorId, messageId, deps, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads and decrypts the message's file as the session, asking the sender to upload it again when the hosts no
    /// longer have it (media retry); the caller disposes the result (it deletes the temporary file).
    /// </summary>
    /// <exception cref="MediaDownloadException">See <see cref="MediaDownloads.DownloadAsync(SessionId, MediaDescriptor, Protocol.Media.MediaRetryTarget, CancellationToken)"/>.</exception>
    public static Task<DownloadedMedia> DownloadAsync(SessionEntry entry, MessageReceivedBody received, MediaDescriptor media, EdgeDependencies deps, CancellationToken ct)
    {
        var services = deps.Media ?? throw new InvalidOperationException("The edge was composed without media services.");
        return services.Downloads.DownloadAsync(entry.ActorId, media, MediaRetryTargets.Of(received), ct);
    }
}
