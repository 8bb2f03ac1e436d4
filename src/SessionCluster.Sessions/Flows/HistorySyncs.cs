using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using SessionCluster.Protocol;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;
using HistorySync = SessionCluster.Protocol.Wa.History.HistorySync;

namespace SessionCluster.Sessions.Flows;

/// <summary>Why a history-sync chunk was not read (docs/PROTOCOL.md §15).</summary>
public enum HistorySyncFailure
{
    /// <summary>The notification has neither an inline payload nor a blob to download.</summary>
    NoPayload,

    /// <summary>The payload is not a zlib stream.</summary>
    BadZlib,

    /// <summary>The payload inflates past <see cref="HistorySyncs.MaxInflatedBytes"/> (a zlib bomb).</summary>
    TooLarge,

    /// <summary>The inflated payload is not a HistorySync.</summary>
    BadProto,

    /// <summary>The blob could not be downloaded or failed its MAC or hash check.</summary>
    Download,
}

/// <summary>A history-sync chunk that cannot be read; the message never carries key material.</summary>
public sealed class HistorySyncException(HistorySyncFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<HistorySyncFailure>(failure, message, inner);

/// <summary>Where a chunk's bytes are: inline in the notification, or a blob to download (<see cref="Blob"/> set).</summary>
internal sealed record HistoryPayload(byte[]? Inline, MediaDescriptor? Blob);

/// <summary>
/// Reading one history-sync chunk (docs/PROTOCOL.md §15), pure: where its payload is (inline or a "WhatsApp History Keys"
/// blob, §12), the zlib inflation bounded against bombs, the HistorySync parse, and the chunk as bounded
/// <see cref="HistorySyncBody"/> batches (no media keys or other secrets: only ids, jids, names, times and texts).
/// </summary>
internal static class HistorySyncs
{
    /// <summary>The most bytes a chunk may inflate to: real chunks are a few MiB; more is a zlib bomb.</summary>
    public const long MaxInflatedBytes = 64L * 1024 * 1024;

    /// <summary>The largest blob downloaded (compressed): never more than it may inflate to.</summary>
    public const long MaxBlobBytes = MaxInflatedBytes;

    /// <summary>How many items (conversations, messages, push names, mappings) one event carries at most.</summary>
    public const int MaxItemsPerEvent = 500;

    /// <summary>
    /// How many bytes of message text (UTF-8) one event carries at most, 1 MiB (a message may go over it alone; WhatsApp
    /// caps a text at 65,536 characters). 500 long texts would otherwise make an event of tens of MiB: more than a
    /// live event may be between nodes (8 MiB, docs/CLUSTER.md "Messages between nodes"), and a large journal row.
    /// </summary>
    public const int MaxTextBytesPerEvent = 1024 * 1024;

    /// <summary>Where the chunk's bytes are (the inline INITIAL_BOOTSTRAP payload wins, as in Baileys history.js).</summary>
    /// <exception cref="HistorySyncException">NoPayload.</exception>
    public static HistoryPayload Payload(HistorySyncNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.HasInitialHistBootstrapInlinePayload && notification.InitialHistBootstrapInlinePayload.Length > 0)
        {
            return new HistoryPayload(notification.InitialHistBootstrapInlinePayload.ToByteArray(), null);
        }

        if (notification.HasDirectPath && notification.DirectPath.StartsWith('/') && notification.MediaKey.Length == 32)
        {
            return new HistoryPayload(null, new MediaDescriptor(
                MediaKind.History, notification.DirectPath, null, notification.MediaKey.ToByteArray(),
                notification.HasFileEncSHA256 ? notification.FileEncSHA256.ToByteArray() : null,
                notification.HasFileSHA256 ? notification.FileSHA256.ToByteArray() : null,
                notification.HasFileLength ? (long)notification.FileLength : null,
                "application/x-protobuf", null, false));
        }

        throw new HistorySyncException(HistorySyncFailure.NoPayload, "the notification has no inline payload and no blob (direct path and 32-byte media key)");
    }

    /// <summary>Inflates the zlib <paramref name="compressed"/> stream (at most <paramref name="maxInflated"/> bytes) and parses the HistorySync.</summary>
    /// <exception cref="HistorySyncException">BadZlib, TooLarge or BadProto.</exception>
    public static HistorySync Read(Stream compressed, long maxInflated = MaxInflatedBytes)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        using var inflated = new MemoryStream();
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            using var bounded = new LimitedReadStream(zlib, maxInflated, () => new HistoryTooLargeException());
            bounded.CopyTo(inflated);
        }
        catch (HistoryTooLargeException)
        {
            throw new HistorySyncException(HistorySyncFailure.TooLarge, $"the payload inflates past {maxInflated} bytes");
        }
        catch (InvalidDataException e)
        {
            throw new HistorySyncException(HistorySyncFailure.BadZlib, "the payload is not a zlib stream", e);
        }

        try
        {
            inflated.Position = 0;
            return HistorySync.Parser.ParseFrom(inflated);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new HistorySyncException(HistorySyncFailure.BadProto, "the inflated payload is not a HistorySync", e);
        }
    }

    /// <summary>The PN ↔ LID pairs a chunk names (phoneNumberToLidMappings), well-formed ones only.</summary>
    public static IReadOnlyList<(Jid Phone, Jid Lid)> LidPairs(HistorySync sync)
    {
        ArgumentNullException.ThrowIfNull(sync);
        return [.. sync.PhoneNumberToLidMappings
            .Select(m => Jid.TryParse(m.PnJID, out var pn) && Jid.TryParse(m.LidJID, out var lid) && pn.IsPhoneNumber && lid.IsLid ? (pn.ToNonAd(), lid.ToNonAd()) : ((Jid, Jid)?)null)
            .OfType<(Jid, Jid)>()];
    }

    /// <summary>
    /// The chunk as events of at most <paramref name="maxItems"/> items each (a conversation, a message, a push name and a
    /// mapping count one each; a long conversation continues in the next event under the same jid) and at most
    /// <paramref name="maxTextBytes"/> of message text each (beyond a single message's own). Always one event at least,
    /// so an empty chunk still reports its progress.
    /// </summary>
    public static IReadOnlyList<HistorySyncBody> Batches(
        HistorySync sync, HistorySyncNotification notification, string messageId, string sender, int maxItems = MaxItemsPerEvent, int maxTextBytes = MaxTextBytesPerEvent)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 2);
        var syncType = SnakeCase(notification.HasSyncType ? notification.SyncType.ToString() : ((HistorySyncType)(int)sync.SyncType).ToString());
        var chunkOrder = notification.HasChunkOrder ? notification.ChunkOrder : sync.ChunkOrder;
        var progress = notification.HasProgress ? notification.Progress : sync.Progress;
        var batches = new List<HistorySyncBody>();
        var conversations = new List<HistoryConversation>();
        var pushNames = new List<HistoryPushName>();
        var mappings = new List<HistoryLidMapping>();
        var used = 0;
        var usedTextBytes = 0;

        void Flush()
        {
            batches.Add(new HistorySyncBody(messageId, sender, syncType, chunkOrder, progress, batches.Count, [.. conversations], [.. pushNames], [.. mappings]));
            conversations.Clear();
            pushNames.Clear();
            mappings.Clear();
            used = 0;
            usedTextBytes = 0;
        }

        foreach (var conversation in sync.Conversations.Where(c => c.HasID && c.ID.Length > 0))
        {
            var messages = conversation.Messages.Select(m => m.Message).Where(m => m?.Key is { HasID: true }).Select(Message).ToList();
            var name = conversation.HasName && conversation.Name.Length > 0 ? conversation.Name
                : conversation.HasDisplayName && conversation.DisplayName.Length > 0 ? conversation.DisplayName : null;
            uint? unread = conversation.HasUnreadCount ? conversation.UnreadCount : null;
            var taken = 0;
            do
            {
                if (used + 2 > maxItems || (used > 0 && taken < messages.Count && usedTextBytes + TextBytes(messages[taken]) > maxTextBytes))
                {
                    Flush();
                }

                // The first message of an event always fits, whatever its text: otherwise it would never go.
                var room = maxItems - used - 1;
                var part = new List<HistoryMessage>();
                while (taken + part.Count < messages.Count && part.Count < room)
                {
                    var textBytes = TextBytes(messages[taken + part.Count]);
                    if (used + part.Count > 0 && usedTextBytes + textBytes > maxTextBytes)
                    {
                        break;
                    }

                    part.Add(messages[taken + part.Count]);
                    usedTextBytes += textBytes;
                }

                conversations.Add(new HistoryConversation(conversation.ID, name, unread, part));
                used += 1 + part.Count;
                taken += part.Count;
            }
            while (taken < messages.Count);
        }

        foreach (var pushName in sync.Pushnames.Where(p => p.HasID && p.HasPushname_))
        {
            if (used + 1 > maxItems)
            {
                Flush();
            }

            pushNames.Add(new HistoryPushName(pushName.ID, pushName.Pushname_));
            used++;
        }

        foreach (var (phone, lid) in LidPairs(sync))
        {
            if (used + 1 > maxItems)
            {
                Flush();
            }

            mappings.Add(new HistoryLidMapping(phone.ToString(), lid.ToString()));
            used++;
        }

        if (used > 0 || batches.Count == 0)
        {
            Flush();
        }

        return batches;
    }

    private static int TextBytes(HistoryMessage message) => message.Text is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(message.Text);

    /// <summary>One stored message as the event shows it: id, direction, sender in a group, time, and its text if it is one.</summary>
    private static HistoryMessage Message(Protocol.Wa.History.WebMessageInfo info)
    {
        var sender = info.HasParticipant && info.Participant.Length > 0 ? info.Participant
            : info.Key.HasParticipant && info.Key.Participant.Length > 0 ? info.Key.Participant : null;
        return new HistoryMessage(info.Key.ID, info.Key.FromMe, sender, DateTimeOffset.FromUnixTimeSeconds((long)info.MessageTimestamp), TextOf(info.Message));
    }

    private static string? TextOf(Message? message) =>
        message is null ? null
        : message.HasConversation && message.Conversation.Length > 0 ? message.Conversation
        : message.ExtendedTextMessage is { HasText: true } extended ? extended.Text
        : null;

    /// <summary>"InitialBootstrap" → "initial_bootstrap".</summary>
    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary>Thrown by the bounded stream: told apart from a zlib error.</summary>
    private sealed class HistoryTooLargeException() : IOException("The payload inflates past the limit.");
}
