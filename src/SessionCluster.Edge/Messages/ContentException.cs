namespace SessionCluster.Edge.Messages;

/// <summary>Why a message's content could not be prepared; each API maps it to its own error shape.</summary>
internal enum ContentFailure
{
    /// <summary>The request itself is wrong (a caption on a sticker, bad base64, an unusable link): the caller fixes it.</summary>
    Invalid,

    /// <summary>A reaction or a reply names a message this session never sent or received in that chat.</summary>
    UnknownMessage,

    /// <summary>A send names an upload the tenant does not have (never made, deleted, or expired).</summary>
    UnknownUpload,

    /// <summary>An edit of a message that is not a text this session sent, or that is past WhatsApp's edit window.</summary>
    NotEditable,

    /// <summary>A revoke of a message this session did not send.</summary>
    NotRevocable,

    /// <summary>The link could not be downloaded (an error status, a timeout, unreachable); <see cref="ContentException.UpstreamStatus"/> has the status.</summary>
    LinkFailed,

    /// <summary>The file is empty or larger than the node sends.</summary>
    TooLarge,

    /// <summary>The session is not linked (or ended) and has no one to send as.</summary>
    NotLinked,

    /// <summary>The session is not connected: media is uploaded while connected, not queued.</summary>
    NotConnected,

    /// <summary>The session does not exist (deleted meanwhile) or cannot open its secrets.</summary>
    SessionGone,

    /// <summary>WhatsApp's media hosts did not take the file, or media_conn was not answered: retry later.</summary>
    UploadFailed,
}

/// <summary>Content that could not be prepared; <see cref="Message"/> says what to change or why, never a key or a link's query.</summary>
internal sealed class ContentException(ContentFailure failure, string detail, int? upstreamStatus = null) : Exception(detail)
{
    public ContentFailure Failure { get; } = failure;

    /// <summary>For <see cref="ContentFailure.LinkFailed"/> by an HTTP status: that status.</summary>
    public int? UpstreamStatus { get; } = upstreamStatus;
}
