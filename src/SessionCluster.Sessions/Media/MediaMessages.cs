using Google.Protobuf;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions;

/// <summary>
/// The <c>waE2E.Message</c> that carries an uploaded file (docs/PROTOCOL.md §12): URL, direct path, media key, both
/// hashes and the length, with what the caller said about it (type, caption, file name). The kind decides the field:
/// <c>imageMessage</c>, <c>videoMessage</c>, <c>audioMessage</c> (a voice note is audio with <c>PTT</c>),
/// <c>documentMessage</c>, <c>stickerMessage</c>.
/// </summary>
public static class MediaMessages
{
    /// <param name="voiceNote">For audio: sent as a voice note (push-to-talk) rather than an audio file.</param>
    /// <param name="fileName">For documents: the name shown (WhatsApp shows "Untitled" without one).</param>
    public static Message For(UploadedMedia media, string mimeType, string? caption = null, string? fileName = null, bool voiceNote = false)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        var key = ByteString.CopyFrom(media.MediaKey.Span);
        var sha = ByteString.CopyFrom(media.Encrypted.FileSha256);
        var encSha = ByteString.CopyFrom(media.Encrypted.FileEncSha256);
        var length = (ulong)media.Encrypted.PlainLength;
        var at = media.KeyTimestamp.ToUnixTimeSeconds();
        return media.Kind switch
        {
            MediaKind.Image => new Message
            {
                ImageMessage = WithCaption(new ImageMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha,
                    FileLength = length, MediaKeyTimestamp = at, Mimetype = mimeType,
                }, caption),
            },
            MediaKind.Video => new Message
            {
                VideoMessage = WithCaption(new VideoMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha,
                    FileLength = length, MediaKeyTimestamp = at, Mimetype = mimeType,
                }, caption),
            },
            MediaKind.Audio => new Message
            {
                AudioMessage = new AudioMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha,
                    FileLength = length, MediaKeyTimestamp = at, Mimetype = mimeType, PTT = voiceNote,
                },
            },
            MediaKind.Document => new Message
            {
                DocumentMessage = WithCaption(new DocumentMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha,
                    FileLength = length, MediaKeyTimestamp = at, Mimetype = mimeType, FileName = fileName ?? "", Title = fileName ?? "",
                }, caption),
            },
            MediaKind.Sticker => new Message
            {
                StickerMessage = new StickerMessage
                {
                    URL = media.Url, DirectPath = media.DirectPath, MediaKey = key, FileSHA256 = sha, FileEncSHA256 = encSha,
                    FileLength = length, MediaKeyTimestamp = at, Mimetype = mimeType,
                },
            },
            var other => throw new ArgumentException($"{other} media is not sent as a message.", nameof(media)),
        };
    }

    private static ImageMessage WithCaption(ImageMessage m, string? caption)
    {
        if (!string.IsNullOrEmpty(caption))
        {
            m.Caption = caption;
        }

        return m;
    }

    private static VideoMessage WithCaption(VideoMessage m, string? caption)
    {
        if (!string.IsNullOrEmpty(caption))
        {
            m.Caption = caption;
        }

        return m;
    }

    private static DocumentMessage WithCaption(DocumentMessage m, string? caption)
    {
        if (!string.IsNullOrEmpty(caption))
        {
            m.Caption = caption;
        }

        if (m.FileName.Length == 0)
        {
            m.ClearFileName();
            m.ClearTitle();
        }

        return m;
    }
}
