namespace SessionCluster.Sessions;

/// <summary>Why a media upload did not happen.</summary>
public enum MediaUploadFailure
{
    /// <summary>The session does not exist.</summary>
    NoSession,

    /// <summary>The session cannot open its stored secrets.</summary>
    SessionUnavailable,

    /// <summary>The session is not linked to a phone.</summary>
    NotLinked,

    /// <summary>The session was deleted or logged out.</summary>
    Ended,

    /// <summary>The session has no live connection to ask for upload rights.</summary>
    NotConnected,

    /// <summary>The server did not answer media_conn.</summary>
    Unanswered,

    /// <summary>Every media host refused the upload or could not be reached.</summary>
    HostsFailed,

    /// <summary>The file is empty or larger than the hosts take.</summary>
    BadFile,
}

/// <summary>A media upload failed; <see cref="Failure"/> says how. Messages name hosts and statuses, never the auth or the file's key.</summary>
public sealed class MediaUploadException(MediaUploadFailure failure, string message, Exception? inner = null) : Exception($"{failure}: {message}", inner)
{
    public MediaUploadFailure Failure { get; } = failure;
}
