namespace SessionCluster.Protocol.Media;

/// <summary>Why a media retry request or answer (docs/PROTOCOL.md §12 "Media retry") could not be read.</summary>
public enum MediaRetryFailure
{
    /// <summary>The stanza lacks a part the exchange needs (id, <c>rmr</c>, <c>enc_p</c>/<c>enc_iv</c>) or has a wrong-sized IV.</summary>
    Malformed,

    /// <summary>AES-GCM did not authenticate: tampered, or sealed under another file's media key or for another message id.</summary>
    Tampered,

    /// <summary>It authenticated but the plaintext is not the protobuf the exchange carries.</summary>
    Unreadable,

    /// <summary>The sealed stanza id is not the id of the message the stanza names.</summary>
    WrongMessage,
}

/// <summary>A media retry request or answer failed a check. It names the check, never the media key or plaintext.</summary>
public sealed class MediaRetryException(MediaRetryFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<MediaRetryFailure>(failure, message, inner);
