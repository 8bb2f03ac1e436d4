namespace SessionCluster.Protocol.Media;

/// <summary>
/// What a media blob is, which decides its key-derivation info and its upload path (PROTOCOL.md §12).
/// <see cref="MediaKinds"/> maps each kind to both.
/// </summary>
public enum MediaKind
{
    /// <summary>A photo.</summary>
    Image,

    /// <summary>A video (gif and ptv use the same keys).</summary>
    Video,

    /// <summary>An audio file or voice note (ptt).</summary>
    Audio,

    /// <summary>Any other file.</summary>
    Document,

    /// <summary>A sticker: derived and uploaded as an image.</summary>
    Sticker,

    /// <summary>A history-sync payload (PROTOCOL.md §15).</summary>
    History,

    /// <summary>An app-state external blob (PROTOCOL.md §14).</summary>
    AppState,

    /// <summary>A link preview's thumbnail.</summary>
    LinkThumbnail,
}
