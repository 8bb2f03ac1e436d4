namespace SessionCluster.Protocol.Media;

/// <summary>The wire vocabulary of each <see cref="MediaKind"/>, from PROTOCOL.md §12 (BL MEDIA_HKDF_KEY_MAPPING, MEDIA_PATH_MAP).</summary>
public static class MediaKinds
{
    /// <summary>The HKDF <c>info</c> string from which the kind's media keys are expanded.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="MediaKind"/>.</exception>
    public static string HkdfInfo(MediaKind kind) => kind switch
    {
        // Stickers share the image keys (§12 "info per kind").
        MediaKind.Image or MediaKind.Sticker => "WhatsApp Image Keys",
        MediaKind.Video => "WhatsApp Video Keys",
        MediaKind.Audio => "WhatsApp Audio Keys",
        MediaKind.Document => "WhatsApp Document Keys",
        MediaKind.History => "WhatsApp History Keys",
        MediaKind.AppState => "WhatsApp App State Keys",
        MediaKind.LinkThumbnail => "WhatsApp Link Thumbnail Keys",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a media kind."),
    };

    /// <summary>The mms type: the <c>{type}</c> of the upload path <c>/mms/{type}/{token}</c> and the download's <c>mms-type</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="MediaKind"/>.</exception>
    public static string MmsType(MediaKind kind) => kind switch
    {
        MediaKind.Image or MediaKind.Sticker => "image",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio",
        MediaKind.Document => "document",
        MediaKind.History => "md-msg-hist",
        MediaKind.AppState => "md-app-state",
        MediaKind.LinkThumbnail => "thumbnail-link",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a media kind."),
    };
}
