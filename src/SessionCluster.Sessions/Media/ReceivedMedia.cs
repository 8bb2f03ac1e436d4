using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions;

/// <summary>
/// What a received media message says about its file (docs/PROTOCOL.md §12): where it is, its key, the hashes to check
/// and what to call it. The media key is the file's secret: <see cref="ToString"/> leaves it out.
/// </summary>
/// <param name="Kind">Decides the key-derivation info and the download's <c>mms-type</c>.</param>
/// <param name="DirectPath">The path on a media host (may be empty when only <paramref name="Url"/> is given).</param>
/// <param name="Url">The URL the uploader was given (its host is the uploader's; only its path is used).</param>
/// <param name="FileEncSha256">SHA-256 of <c>enc || mac</c>, or null when the message has none.</param>
/// <param name="FileSha256">SHA-256 of the plaintext, or null.</param>
/// <param name="FileLength">The plaintext's length as announced, or null.</param>
/// <param name="MimeType">The message's mimetype, or <c>application/octet-stream</c> when it names none.</param>
/// <param name="FileName">A document's file name, else null.</param>
/// <param name="VoiceNote">An audio message sent as a voice note (PTT).</param>
public sealed record MediaDescriptor(
    MediaKind Kind,
    string DirectPath,
    string? Url,
    ReadOnlyMemory<byte> MediaKey,
    byte[]? FileEncSha256,
    byte[]? FileSha256,
    long? FileLength,
    string MimeType,
    string? FileName,
    bool VoiceNote)
{
    public override string ToString() => $"MediaDescriptor {{ Kind = {Kind}, MimeType = {MimeType}, FileLength = {FileLength}, DirectPath = {PathOnly(DirectPath)} }}";

    /// <summary>A direct path without its query (it carries the host's signature).</summary>
    internal static string PathOnly(string path) => path.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? path[..q] : path;
}

/// <summary>
/// Finds the file a received <c>waE2E.Message</c> carries: an image, video (or round video note), audio (or voice
/// note), document or sticker, looking through the wrappers that nest another message (ephemeral, view-once,
/// document-with-caption, device-sent; proto/wa/message.proto).
/// </summary>
public static class ReceivedMedia
{
    private const string DefaultMimeType = "application/octet-stream";

    /// <summary>Wrappers nest at most a few deep in practice; the bound stops a hostile message from recursing without end.</summary>
    private const int MaxDepth = 8;

    /// <summary>The message's file, or null when it carries none.</summary>
    public static MediaDescriptor? Find(Message? message)
    {
        for (var depth = 0; message is not null && depth < MaxDepth; depth++)
        {
            if (Content(message) is { } found)
            {
                return found;
            }

            message = message.EphemeralMessage?.Message
                ?? message.ViewOnceMessage?.Message
                ?? message.ViewOnceMessageV2?.Message
                ?? message.ViewOnceMessageV2Extension?.Message
                ?? message.DocumentWithCaptionMessage?.Message
                ?? message.DeviceSentMessage?.Message;
        }

        return null;
    }

    private static MediaDescriptor? Content(Message m)
    {
        if (m.ImageMessage is { } image)
        {
            return Describe(MediaKind.Image, image.DirectPath, image.URL, image.MediaKey, image.FileEncSHA256, image.FileSHA256, image.HasFileLength ? image.FileLength : null, image.Mimetype, null, false);
        }

        if ((m.VideoMessage ?? m.PtvMessage) is { } video)
        {
            return Describe(MediaKind.Video, video.DirectPath, video.URL, video.MediaKey, video.FileEncSHA256, video.FileSHA256, video.HasFileLength ? video.FileLength : null, video.Mimetype, null, false);
        }

        if (m.AudioMessage is { } audio)
        {
            return Describe(MediaKind.Audio, audio.DirectPath, audio.URL, audio.MediaKey, audio.FileEncSHA256, audio.FileSHA256, audio.HasFileLength ? audio.FileLength : null, audio.Mimetype, null, audio.PTT);
        }

        if (m.DocumentMessage is { } document)
        {
            var name = document.HasFileName && document.FileName.Length > 0 ? document.FileName : document.HasTitle && document.Title.Length > 0 ? document.Title : null;
            return Describe(MediaKind.Document, document.DirectPath, document.URL, document.MediaKey, document.FileEncSHA256, document.FileSHA256,
                document.HasFileLength ? document.FileLength : null, document.Mimetype, name, false);
        }

        if (m.StickerMessage is { } sticker)
        {
            return Describe(MediaKind.Sticker, sticker.DirectPath, sticker.URL, sticker.MediaKey, sticker.FileEncSHA256, sticker.FileSHA256,
                sticker.HasFileLength ? sticker.FileLength : null, sticker.Mimetype, null, false);
        }

        return null;
    }

    private static MediaDescriptor Describe(
        MediaKind kind, string directPath, string url, Google.Protobuf.ByteString key, Google.Protobuf.ByteString encSha, Google.Protobuf.ByteString sha,
        ulong? length, string mimeType, string? fileName, bool voiceNote) =>
        new(kind, directPath, url.Length == 0 ? null : url, key.ToByteArray(), encSha.Length == 0 ? null : encSha.ToByteArray(), sha.Length == 0 ? null : sha.ToByteArray(),
            length is { } l && l <= long.MaxValue ? (long)l : null, mimeType.Length == 0 ? DefaultMimeType : mimeType, fileName, voiceNote);
}
