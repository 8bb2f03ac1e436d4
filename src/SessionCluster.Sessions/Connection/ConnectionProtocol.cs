using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// The conversation between a <see cref="ConnectionActor"/> and its parent (the session), in one place.
/// </summary>
/// <remarks>
/// To the parent: <see cref="ConnectionOpened"/> once, then <see cref="NodeReceived"/> one at a time (the next comes only after
/// the parent answered the previous one with <see cref="NodeAck"/>), and finally exactly one <see cref="ConnectionLost"/>, after
/// which the actor stops. From the parent: <see cref="SendNode"/> (answered with <see cref="NodeEnqueued"/> or
/// <see cref="SendRejected"/>) and <see cref="Close"/>.
/// </remarks>
public static class ConnectionProtocol
{
    /// <summary>The Noise handshake completed; <paramref name="ServerStaticKey"/> is the server's static key its certificate vouched for.</summary>
    public sealed record ConnectionOpened(ReadOnlyMemory<byte> ServerStaticKey);

    /// <summary>A stanza from the server. Answer it with <see cref="NodeAck"/> (to the sender) to be given the next one.</summary>
    public sealed record NodeReceived(Node Node);

    /// <summary>The parent has handled a <see cref="NodeReceived"/>; the connection may push the next node.</summary>
    public sealed record NodeAck
    {
        public static NodeAck Instance { get; } = new();
    }

    /// <summary>
    /// The connection is gone and the actor stops. <paramref name="StreamErrorCode"/> is the <c>code</c> of a
    /// <c>&lt;stream:error&gt;</c> (<see cref="ConnectionLossReason.StreamError"/> only; null when the stanza had none, e.g. a
    /// <c>conflict</c>); <paramref name="Cause"/> the exception behind it, if any. <paramref name="ConflictType"/> is the
    /// <c>type</c> of a stream error's <c>&lt;conflict&gt;</c> child (<c>replaced</c>, <c>device_removed</c>), and
    /// <paramref name="FailureReason"/> the <c>reason</c> of a <c>&lt;failure&gt;</c> answering the login
    /// (<see cref="ConnectionLossReason.LoginFailed"/> only): what the session needs to tell a replaced or logged-out
    /// device from a loss worth retrying.
    /// </summary>
    public sealed record ConnectionLost(
        ConnectionLossReason Reason,
        string Detail,
        int? StreamErrorCode = null,
        Exception? Cause = null,
        string? ConflictType = null,
        int? FailureReason = null);

    /// <summary>Send a stanza. Answered with <see cref="NodeEnqueued"/> once it is in the outbound queue, or <see cref="SendRejected"/>.</summary>
    public sealed record SendNode(Node Node);

    /// <summary>The stanza is queued; it goes out in queue order unless the connection is lost first.</summary>
    public sealed record NodeEnqueued(Node Node);

    /// <summary>The stanza was not queued; nothing was sent.</summary>
    public sealed record SendRejected(Node Node, SendFailure Failure);

    /// <summary>Close the connection; answered with <see cref="ConnectionLost"/> (<see cref="ConnectionLossReason.Cancelled"/>).</summary>
    public sealed record Close
    {
        public static Close Instance { get; } = new();
    }
}

/// <summary>Why a connection ended; what the session does next depends on it (reconnect, re-register, give up).</summary>
public enum ConnectionLossReason
{
    /// <summary>The WebSocket could not be opened (refused, unreachable, HTTP error, timeout).</summary>
    Refused,

    /// <summary>The TLS handshake failed, e.g. the server's certificate is not the pinned one.</summary>
    Tls,

    /// <summary>The Noise handshake failed (bad or missing ServerHello, timeout).</summary>
    Handshake,

    /// <summary>The server's Noise certificate chain does not verify against the configured root key.</summary>
    Certificate,

    /// <summary>The server ended the stream (<c>&lt;xmlstreamend/&gt;</c>, a WebSocket close, or the socket broke).</summary>
    ServerClosed,

    /// <summary>The server sent <c>&lt;stream:error&gt;</c>; see <see cref="ConnectionProtocol.ConnectionLost.StreamErrorCode"/>.</summary>
    StreamError,

    /// <summary>Nothing arrived for the dead-connection timeout although pings were sent: the connection is dead.</summary>
    KeepaliveTimeout,

    /// <summary>The server sent a frame that does not decrypt or a node that does not decode.</summary>
    MalformedInput,

    /// <summary>The parent asked to close (<see cref="ConnectionProtocol.Close"/>).</summary>
    Cancelled,

    /// <summary>
    /// The configured proxy could not be used: unreachable, authentication failed, it refused the tunnel or could not reach
    /// the server, or it did not open the tunnel within the connect timeout. The detail names the proxy's host:port and what
    /// failed, never its password.
    /// </summary>
    Proxy,

    /// <summary>A fault in the connection's own code (a bug); the cause says what. Logged as an error.</summary>
    Fault,

    /// <summary>
    /// The server answered the login with <c>&lt;failure reason="N"/&gt;</c> (docs/PROTOCOL.md §3) instead of
    /// <c>&lt;success&gt;</c>; see <see cref="ConnectionProtocol.ConnectionLost.FailureReason"/>.
    /// </summary>
    LoginFailed,
}

/// <summary>Why a <see cref="ConnectionProtocol.SendNode"/> was rejected.</summary>
public enum SendFailure
{
    /// <summary>The outbound queue holds <see cref="ConnectionSettings.OutboundQueueBound"/> stanzas; try later.</summary>
    QueueFull,

    /// <summary>The connection is not open yet (still connecting), or is closing.</summary>
    NotOpen,
}
