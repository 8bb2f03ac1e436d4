namespace SessionCluster.Sessions;

/// <summary>Why a session's connection ended (<see cref="DisconnectedBody"/>); what it does next follows from it.</summary>
public enum DisconnectReason
{
    /// <summary>The network or the socket failed: refused, TLS, Noise handshake, closed, silent (keepalive), malformed input.</summary>
    ConnectionLost,

    /// <summary><c>&lt;stream:error code="515"/&gt;</c>: the server asks for a restart; the session connects again at once.</summary>
    Restart,

    /// <summary>A 5xx stream error or login failure (the server's trouble, e.g. 503): connect again after the backoff.</summary>
    ServerError,

    /// <summary>Another <c>&lt;stream:error&gt;</c> (not 515, 401, 5xx or a conflict): connect again after the backoff.</summary>
    StreamError,

    /// <summary>
    /// The login was answered <c>&lt;failure reason="N"/&gt;</c> with a reason that is not a logout or a server error
    /// (400, 402 temporarily banned, 405 client too old, 409, 413/414, 415, 418): retried after the backoff; the detail
    /// names the reason.
    /// </summary>
    LoginFailed,

    /// <summary>
    /// <c>&lt;stream:error&gt;&lt;conflict type="replaced"/&gt;</c>: the same device logged in elsewhere. The session
    /// stops (status <see cref="SessionStatus.Replaced"/>) and connects again only when told to.
    /// </summary>
    Replaced,
}
