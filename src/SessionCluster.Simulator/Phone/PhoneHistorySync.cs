using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Media;
using Conversation = SessionCluster.Protocol.Wa.History.Conversation;
using HistorySync = SessionCluster.Protocol.Wa.History.HistorySync;
using HistorySyncMsg = SessionCluster.Protocol.Wa.History.HistorySyncMsg;
using PhoneNumberToLIDMapping = SessionCluster.Protocol.Wa.History.PhoneNumberToLIDMapping;
using Pushname = SessionCluster.Protocol.Wa.History.Pushname;
using WebMessageInfo = SessionCluster.Protocol.Wa.History.WebMessageInfo;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The history sync a primary phone sends its companions (docs/PROTOCOL.md §15): a <c>protocolMessage</c> of type
/// HISTORY_SYNC_NOTIFICATION whose chunk is a zlib-deflated <c>HistorySync</c>. The INITIAL_BOOTSTRAP chunk travels inline
/// (<c>initialHistBootstrapInlinePayload</c>; Baileys history.js inflates it instead of downloading a blob); with
/// <see cref="HistorySyncOptions.Blob"/> it is a RECENT chunk uploaded to the media store as an encrypted "WhatsApp History
/// Keys" blob (§12, mms type md-msg-hist) that the notification names. The chunk holds the account's recent conversations
/// (what the phone received and sent, a few messages each, as WebMessageInfo), the push names of the accounts and the
/// PN ↔ LID mappings of every account. Baileys (chats.js) leaves its AwaitingInitialSync state when it gets this
/// notification instead of buffering events for 20 s after a first login.
/// </summary>
internal sealed partial class Phone
{
    /// <summary>How many messages of each conversation the chunk carries (the most recent).</summary>
    private const int HistoryMessagesPerChat = 20;

    /// <summary>Sends the history sync notification to each of the account's companions as a peer message; returns how many got it.</summary>
    public async Task<int> SendHistorySyncAsync(IReadOnlyCollection<Account> accounts, CancellationToken cancellationToken) =>
        (await SendHistorySyncAsync(accounts, new HistorySyncOptions(), null, cancellationToken).ConfigureAwait(false)).Devices;

    /// <summary>
    /// Sends the history sync notification to each companion; with <see cref="HistorySyncOptions.Blob"/> the chunk is uploaded to
    /// <paramref name="media"/> first (required then). Returns how many companions got it and the blob's direct path, if any.
    /// </summary>
    public async Task<HistorySyncSent> SendHistorySyncAsync(IReadOnlyCollection<Account> accounts, HistorySyncOptions options, MediaStore? media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var payload = Deflated(History(accounts, options.Blob));
        var notification = new HistorySyncNotification { ChunkOrder = 0, Progress = 100 };
        string? directPath = null;
        if (options.Blob)
        {
            ArgumentNullException.ThrowIfNull(media);
            var mediaKey = RandomNumberGenerator.GetBytes(32);
            var (blob, encrypted) = MediaCipher.Encrypt(payload, mediaKey, MediaKind.History);
            directPath = media.Add(MediaKinds.MmsType(MediaKind.History), blob).DirectPath;
            notification.SyncType = HistorySyncType.Recent;
            notification.MediaKey = ByteString.CopyFrom(mediaKey);
            notification.DirectPath = directPath;
            notification.FileLength = (ulong)encrypted.PlainLength;
            notification.FileSHA256 = ByteString.CopyFrom(encrypted.FileSha256);
            notification.FileEncSHA256 = ByteString.CopyFrom(encrypted.FileEncSha256);
        }
        else
        {
            notification.SyncType = HistorySyncType.InitialBootstrap;
            notification.InitialHistBootstrapInlinePayload = ByteString.CopyFrom(payload);
        }

        var message = new Message
        {
            ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.HistorySyncNotification, HistorySyncNotification = notification },
        };
        var sent = await SendToCompanionsAsync(message, _ => true, "history sync", cancellationToken).ConfigureAwait(false);
        return new HistorySyncSent(sent.Count, directPath);
    }

    /// <summary>The chunk: recent conversations from what the phone received and sent, push names and every account's PN ↔ LID pair.</summary>
    private HistorySync History(IReadOnlyCollection<Account> accounts, bool recent)
    {
        var type = recent ? HistorySync.Types.HistorySyncType.Recent : HistorySync.Types.HistorySyncType.InitialBootstrap;
        var history = new HistorySync { SyncType = type, ChunkOrder = 0, Progress = 100 };
        var received = Inbox.Snapshot()
            .Where(m => m.Kind == "text")
            .Select(m => (Chat: m.Chat, Info: Info(m.Chat, m.Id, m.SentCopy, m.SentCopy ? null : m.Sender, m.Text, m.Timestamp)));
        var sent = _sent.ToArray()
            .Where(s => s.Value.Content.HasConversation)
            .Select(s => (Chat: s.Value.Chat.ToString(), Info: Info(s.Value.Chat.ToString(), s.Key, true, null, s.Value.Content.Conversation, _clock.GetUtcNow())));
        foreach (var chat in received.Concat(sent).GroupBy(m => m.Chat, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var conversation = new Conversation { ID = chat.Key, UnreadCount = (uint)chat.Count(m => !m.Info.Key.FromMe) };
            if (Jid.TryParse(chat.Key, out var jid) && _directory.FindAccount(jid) is { } peer)
            {
                conversation.Name = "+" + peer.Phone;
            }

            conversation.Messages.AddRange(chat.Select(m => m.Info).OrderBy(i => i.MessageTimestamp).TakeLast(HistoryMessagesPerChat)
                .Select((info, order) => new HistorySyncMsg { Message = info, MsgOrderID = (ulong)order }));
            history.Conversations.Add(conversation);
        }

        var ordered = accounts.OrderBy(a => a.Phone, StringComparer.Ordinal).ToList();
        history.Pushnames.AddRange(ordered.Where(a => a != Account).Select(a => new Pushname { ID = a.Jid.ToString(), Pushname_ = "+" + a.Phone }));
        history.PhoneNumberToLidMappings.AddRange(ordered.Select(a => new PhoneNumberToLIDMapping { PnJID = a.Jid.ToString(), LidJID = a.Lid.ToString() }));
        return history;
    }

    private static WebMessageInfo Info(string chat, string id, bool fromMe, string? participant, string? text, DateTimeOffset at)
    {
        var key = new MessageKey { RemoteJID = chat, FromMe = fromMe, ID = id };
        if (participant is not null && chat.EndsWith("@g.us", StringComparison.Ordinal))
        {
            key.Participant = participant;
        }

        return new WebMessageInfo { Key = key, Message = new Message { Conversation = text ?? "" }, MessageTimestamp = (ulong)at.ToUnixTimeSeconds() };
    }

    private static byte[] Deflated(HistorySync history)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            history.WriteTo(zlib);
        }

        return buffer.ToArray();
    }
}

/// <summary>How the phone sends its history: inline (the INITIAL_BOOTSTRAP default) or as an uploaded blob.</summary>
/// <param name="Blob">Upload the chunk as an encrypted History blob and name it in the notification.</param>
public sealed record HistorySyncOptions(bool Blob = false);

/// <summary>How many companions got the notification, and the uploaded blob's direct path (blob chunks only).</summary>
public sealed record HistorySyncSent(int Devices, string? DirectPath);
