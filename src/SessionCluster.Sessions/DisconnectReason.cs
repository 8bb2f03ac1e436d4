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
    /// The login was answered <c>&lt;failure reason="N"/&gt;</c> with a reason that is not a logout, a server error, a ban
    /// or an outdated client (400, 409, 413/414, 415, 418): retried after the backoff; the detail names the reason.
    /// </summary>
    LoginFailed,

    /// <summary>
    /// <c>&lt;failure reason="402"/&gt;</c>: the number is temporarily banned. Logging in again during a ban is what
    /// makes bans longer, so the session stops (status <see cref="SessionStatus.Halted"/>) until told to connect.
    /// </summary>
    TemporarilyBanned,

    /// <summary>
    /// <c>&lt;failure reason="405"/&gt;</c>: the server refuses this client version. No retry can pass until the node's
    /// version is updated; the session stops (status <see cref="SessionStatus.Halted"/>) until told to connect.
    /// </summary>
    ClientOutdated,

    /// <summary>
    /// <c>&lt;stream:error&gt;&lt;conflict type="replaced"/&gt;</c>: the same device logged in elsewhere. The session
    /// stops (status <see cref="SessionStatus.Replaced"/>) and connects again only when told to.
    /// </summary>
    Replaced,
}
