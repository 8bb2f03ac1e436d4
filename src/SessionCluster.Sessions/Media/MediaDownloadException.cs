using SessionCluster.Protocol;

namespace SessionCluster.Sessions;

/// <summary>Why a received file could not be downloaded and decrypted.</summary>
public enum MediaDownloadFailure
{
    /// <summary>The message carries no file to download: no media content, or no media key or path.</summary>
    NoMedia,

    /// <summary>The hosts answered 404 or 410: they no longer have the file (the case WhatsApp's media retry asks the sender to re-upload).</summary>
    NotFound,

    /// <summary>The file failed a check (hash, MAC, padding): tampered, corrupted, or not the file the message names. Wraps the <see cref="Protocol.Media.MediaIntegrityException"/>.</summary>
    Integrity,

    /// <summary>No host could be reached or each answered an error other than 404/410.</summary>
    HostsFailed,

    /// <summary>The file is larger than the node takes, or a host sent more than the message announced.</summary>
    TooLarge,

    /// <summary>
    /// The hosts no longer had the file and the media retry brought none: the sender's side answered that it has no such
    /// file, or did not answer in time (docs/PROTOCOL.md §12 "Media retry").
    /// </summary>
    RetryRefused,

    /// <summary>The media retry failed: the sender's side reported an error, its answer did not open (tampered), or the new path did not serve the file either.</summary>
    RetryFailed,

    /// <summary>There is no host to ask: the session could not name one (not linked or not connected) and no fallback host is configured.</summary>
    NoHosts,
}

/// <summary>A download of a received file failed; <see cref="ProtocolFailureException{TFailure}.Failure"/> says how. Messages name hosts and statuses, never the media key or URL queries.</summary>
public sealed class MediaDownloadException(MediaDownloadFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<MediaDownloadFailure>(failure, message, inner);
