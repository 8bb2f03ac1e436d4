namespace SessionCluster.Sessions;

/// <summary>The session's media upload rights.</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Asks for the session's media upload auth and hosts (media_conn, docs/PROTOCOL.md §12). The answer is kept until its
    /// ttl runs out and given again meanwhile; <paramref name="Refresh"/> asks the server anew (after a host refused the
    /// auth). Needs a connection. Replies <see cref="MediaConnectionReady"/>, or <see cref="MediaRefused"/>,
    /// <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record RequestMediaConnection(SessionId SessionId, bool Refresh = false) : IWithSessionId;

    public sealed record MediaConnectionReady(SessionId SessionId, MediaConnection Connection) : Reply(SessionId);

    /// <summary>No upload rights were given, and why.</summary>
    public sealed record MediaRefused(SessionId SessionId, MediaRefusal Reason, string Detail) : Reply(SessionId);
}

/// <summary>Why <see cref="SessionCommands.RequestMediaConnection"/> was refused.</summary>
public enum MediaRefusal
{
    /// <summary>The session is not linked to a phone.</summary>
    NotLinked,

    /// <summary>The session was deleted or logged out.</summary>
    Ended,

    /// <summary>The session has no live connection (media uploads are not queued).</summary>
    NotConnected,

    /// <summary>The server did not answer media_conn (timeout, the connection ended, an error or an unreadable answer).</summary>
    Unanswered,
}
