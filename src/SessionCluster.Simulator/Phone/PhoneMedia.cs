using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Protocol.Wa.MmsRetry;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The phone's files (docs/PROTOCOL.md §12): it sends a file to another account (encrypted under a fresh media key and
/// uploaded to the simulator's media store), and it answers a media retry for a file it holds, the ones it sent and
/// the ones its own companions sent (it keeps the blob it saw on the host, as a phone keeps what it downloaded), by
/// uploading the same encrypted blob again under a new direct path and sealing that path to the requester.
/// </summary>
internal sealed partial class Phone
{
    private readonly ConcurrentDictionary<string, HeldFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _fileOrder = new();

    /// <summary>
    /// Sends <paramref name="plaintext"/> as a file of <paramref name="kind"/> (image, video, audio, document or sticker) to
    /// another account, as <see cref="SendTextAsync"/> sends text; the stanza is of type <c>media</c>.
    /// </summary>
    /// <exception cref="PhoneSendException">No media store, a kind that is not a chat file, or a recipient that is no other account.</exception>
    public async Task<PhoneSendResult> SendMediaAsync(Jid to, MediaKind kind, byte[] plaintext, string mimeType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        var store = _directory.Media ?? throw new PhoneSendException("This simulator has no media store to upload a file to.");
        var mediaKey = RandomNumberGenerator.GetBytes(MediaKeys.MediaKeySize);
        var (blob, encrypted) = MediaCipher.Encrypt(plaintext, mediaKey, kind);
        var content = Content(kind, mediaKey, encrypted, mimeType, _clock.GetUtcNow().ToUnixTimeSeconds());
        var uploaded = store.Add(MediaKinds.MmsType(kind), blob);
        SetPlace(content, uploaded.DirectPath, _directory.MediaBaseUrl is { } host ? host + uploaded.DirectPath : null);
        var sent = await SendToAccountAsync(to, content, "media", cancellationToken, id => Hold(id, new HeldFile(kind, mediaKey, blob))).ConfigureAwait(false);
        return sent with { DirectPath = uploaded.DirectPath };
    }

    /// <summary>The phone no longer has any file (its user deleted them): every media retry is then answered NOT_FOUND.</summary>
    public int ForgetFiles()
    {
        var count = _files.Count;
        _files.Clear();
        _fileOrder.Clear();
        return count;
    }

    /// <summary>A companion of this account sent a message; when it carries a file still on the host, the phone keeps it.</summary>
    private void HoldOwnDevicesFile(string id, Message content)
    {
        if (FileOf(content) is not { } file || _directory.Media?.Find(file.DirectPath) is not { } blob)
        {
            return;
        }

        Hold(id, new HeldFile(file.Kind, file.MediaKey, blob.Content));
    }

    /// <summary>
    /// A server-error receipt for one of this account's messages: upload the file again and seal its new path to the
    /// requesting device; a file the phone does not hold is answered <c>&lt;error code="2"&gt;</c> (NOT_FOUND), a request
    /// that does not open under the file's key is answered DECRYPTION_ERROR inside the sealed answer (Baileys
    /// MEDIA_RETRY_STATUS_MAP). A receipt the phone cannot read is logged and left.
    /// </summary>
    private async ValueTask AnswerMediaRetryAsync(Node receipt, CancellationToken cancellationToken)
    {
        MediaRetryRequest request;
        try
        {
            request = MediaRetryStanzas.ReadRequest(receipt);
        }
        catch (MediaRetryException e)
        {
            LogMediaRetryRefused(_logger, Account.Phone, receipt.GetOptionalString("id") ?? string.Empty, e.Message);
            return;
        }

        var id = request.Target.MessageId;
        if (receipt.GetOptionalJid("from") is not { } requesterDevice || _directory.FindAccount(requesterDevice) is not { } requester)
        {
            LogMediaRetryRefused(_logger, Account.Phone, id, "the receipt names no requester that is an account here");
            return;
        }

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        Node answer;
        if (!_files.TryGetValue(id, out var file) || _directory.Media is not { } store)
        {
            LogMediaRetryRefused(_logger, Account.Phone, id, "the phone holds no such file");
            answer = MediaRetryStanzas.ErrorAnswer(JidServer.WhatsApp, now, request.Target, (int)MediaRetryNotification.Types.ResultType.NotFound);
        }
        else
        {
            var result = new MediaRetryNotification { StanzaID = id };
            try
            {
                MediaRetryCipher.DecryptRequest(file.MediaKey, id, request.Sealed);
                result.DirectPath = store.Add(MediaKinds.MmsType(file.Kind), file.Blob).DirectPath;
                result.Result = MediaRetryNotification.Types.ResultType.Success;
                LogMediaReuploaded(_logger, Account.Phone, id, requesterDevice.ToString());
            }
            catch (MediaRetryException e)
            {
                LogMediaRetryRefused(_logger, Account.Phone, id, e.Message);
                result.Result = MediaRetryNotification.Types.ResultType.DecryptionError;
            }

            answer = MediaRetryStanzas.Answer(JidServer.WhatsApp, now, request.Target, MediaRetryCipher.EncryptNotification(file.MediaKey, id, result));
        }

        await _directory.Relay.SendNotificationAsync(requester, requesterDevice.Device, answer, cancellationToken).ConfigureAwait(false);
    }

    private void Hold(string id, HeldFile file)
    {
        if (_files.TryAdd(id, file))
        {
            _fileOrder.Enqueue(id);
        }

        while (_fileOrder.Count > RecentMessages && _fileOrder.TryDequeue(out var old))
        {
            _files.TryRemove(old, out _);
        }
    }

    private static Message Content(MediaKind kind, byte[] mediaKey, EncryptedMedia encrypted, string mimeType, long timestamp)
    {
        var key = ByteString.CopyFrom(mediaKey);
        var sha = ByteString.CopyFrom(encrypted.FileSha256);
        var encSha = ByteString.CopyFrom(encrypted.FileEncSha256);
        var length = (ulong)encrypted.PlainLength;
        return kind switch
        {
            MediaKind.Image => new Message { ImageMessage = new ImageMessage { MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha, FileLength = length, Mimetype = mimeType, MediaKeyTimestamp = timestamp } },
            MediaKind.Video => new Message { VideoMessage = new VideoMessage { MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha, FileLength = length, Mimetype = mimeType, MediaKeyTimestamp = timestamp } },
            MediaKind.Audio => new Message { AudioMessage = new AudioMessage { MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha, FileLength = length, Mimetype = mimeType, MediaKeyTimestamp = timestamp } },
            MediaKind.Document => new Message { DocumentMessage = new DocumentMessage { MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha, FileLength = length, Mimetype = mimeType, MediaKeyTimestamp = timestamp } },
            MediaKind.Sticker => new Message { StickerMessage = new StickerMessage { MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha, FileLength = length, Mimetype = mimeType, MediaKeyTimestamp = timestamp } },
            _ => throw new PhoneSendException($"{kind} is not a file a chat message carries."),
        };
    }

    /// <summary>Where the file is: its direct path, and the URL the uploader got (Baileys downloads from the URL when it has one).</summary>
    private static void SetPlace(Message content, string directPath, string? url)
    {
        if (content.ImageMessage is { } image)
        {
            image.DirectPath = directPath;
            if (url is not null) image.URL = url;
        }

        if (content.VideoMessage is { } video)
        {
            video.DirectPath = directPath;
            if (url is not null) video.URL = url;
        }

        if (content.AudioMessage is { } audio)
        {
            audio.DirectPath = directPath;
            if (url is not null) audio.URL = url;
        }

        if (content.DocumentMessage is { } document)
        {
            document.DirectPath = directPath;
            if (url is not null) document.URL = url;
        }

        if (content.StickerMessage is { } sticker)
        {
            sticker.DirectPath = directPath;
            if (url is not null) sticker.URL = url;
        }
    }

    /// <summary>The file a message carries (its kind, key and path), or null.</summary>
    private static (MediaKind Kind, byte[] MediaKey, string DirectPath)? FileOf(Message m) =>
        m.ImageMessage is { } image ? (MediaKind.Image, image.MediaKey.ToByteArray(), image.DirectPath)
        : (m.VideoMessage ?? m.PtvMessage) is { } video ? (MediaKind.Video, video.MediaKey.ToByteArray(), video.DirectPath)
        : m.AudioMessage is { } audio ? (MediaKind.Audio, audio.MediaKey.ToByteArray(), audio.DirectPath)
        : m.DocumentMessage is { } document ? (MediaKind.Document, document.MediaKey.ToByteArray(), document.DirectPath)
        : m.StickerMessage is { } sticker ? (MediaKind.Sticker, sticker.MediaKey.ToByteArray(), sticker.DirectPath)
        : m.DocumentWithCaptionMessage?.Message is { } inner ? FileOf(inner)
        : null;

    /// <summary>A file the phone can upload again: its kind (the mms type), its media key and the encrypted blob.</summary>
    private sealed record HeldFile(MediaKind Kind, byte[] MediaKey, byte[] Blob);

    [LoggerMessage(EventId = 431, Level = LogLevel.Information, Message = "Phone {Phone}: uploaded {Id} again for {Device} (media retry)")]
    private static partial void LogMediaReuploaded(ILogger logger, string phone, string id, string device);

    [LoggerMessage(EventId = 432, Level = LogLevel.Warning, Message = "Phone {Phone}: media retry for {Id}: {Reason}")]
    private static partial void LogMediaRetryRefused(ILogger logger, string phone, string id, string reason);
}
