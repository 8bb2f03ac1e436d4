using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions;

/// <summary>Every command to a session carries its id, which is how the shard region routes it.</summary>
public interface IWithSessionId
{
    SessionId SessionId { get; }
}

/// <summary>What a session is asked to be at Create.</summary>
/// <param name="deviceName">The name the phone shows for this companion under "Linked devices".</param>
/// <param name="platform">The companion platform announced when linking (for example <c>Chrome</c>).</param>
/// <param name="onlineOnConnect">Whether the session sends available presence when it connects.</param>
public sealed record SessionOptions
{
    public SessionOptions(string deviceName, string platform, bool onlineOnConnect)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(platform);
        DeviceName = deviceName;
        Platform = platform;
        OnlineOnConnect = onlineOnConnect;
    }

    public string DeviceName { get; }

    public string Platform { get; }

    public bool OnlineOnConnect { get; }

    /// <summary>The outbound proxy for the session's connections; null (the default) connects directly. Stored sealed.</summary>
    public Connection.ProxySettings? Proxy { get; init; }
}

/// <summary>The session's command API on the shard region, and the typed replies. The edge maps replies to HTTP/gRPC.</summary>
public static partial class SessionCommands
{
    /// <summary>Makes the session and its keys. Replies <see cref="Created"/> or <see cref="AlreadyExists"/>, or <see cref="Unavailable"/>.</summary>
    public sealed record Create(SessionId SessionId, SessionOptions Options) : IWithSessionId;

    /// <summary>Replies <see cref="StatusReply"/>, or <see cref="NotFound"/> for a session never created.</summary>
    public sealed record GetStatus(SessionId SessionId) : IWithSessionId;

    /// <summary>Deletes the session. Replies <see cref="Deleted"/>, <see cref="NotFound"/> or <see cref="Unavailable"/>.</summary>
    public sealed record Delete(SessionId SessionId) : IWithSessionId;

    /// <summary>
    /// Links the session to a phone by QR: the session connects with its registration payload and shows each ref as a
    /// <see cref="QrCodeBody"/> domain event until the phone scans one, then logs in. Replies <see cref="LinkStarted"/>
    /// at once (the rest is reported as domain events), or <see cref="LinkRefused"/>, <see cref="NotFound"/>,
    /// <see cref="Unavailable"/>.
    /// </summary>
    public sealed record LinkByQr(SessionId SessionId) : IWithSessionId;

    /// <summary>
    /// Sets the session's outbound proxy, or with null connects directly again. Stored sealed (it may hold a password)
    /// and used from the session's next connection on; a running connection is left as it is. Replies
    /// <see cref="ProxySet"/>, or <see cref="Deleted"/> for a deleted session, <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record SetProxy(SessionId SessionId, Connection.ProxySettings? Proxy) : IWithSessionId;

    /// <summary>The proxy is stored; the status shows it without its password.</summary>
    public sealed record ProxySet(SessionId SessionId, SessionStatusView Status) : Reply(SessionId);

    /// <summary>
    /// Links the session to the phone of <paramref name="PhoneNumber"/> by pairing code: the session connects with its
    /// registration payload, asks the server for pairing by code (companion_hello) and replies
    /// <see cref="LinkCodeIssued"/> with the 8-character code once the server has accepted it and the
    /// <see cref="PairingCodeBody"/> event is durable. The user types it on the phone; the session then finishes the
    /// exchange and logs in (reported as domain events, like <see cref="LinkByQr"/>). Replies
    /// <see cref="LinkCodeNotIssued"/> when the attempt ends before a code is issued, and <see cref="LinkRefused"/>
    /// (also <see cref="LinkRefusal.InvalidPhoneNumber"/>), <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    /// <param name="PhoneNumber">The account's number in international form, digits with an optional leading
    /// <c>+</c>, spaces, dashes, dots or brackets (for example <c>+1 555-000-1111</c>).</param>
    public sealed record LinkByCode(SessionId SessionId, string PhoneNumber) : IWithSessionId;

    /// <summary>A command's answer.</summary>
    public abstract record Reply(SessionId SessionId);

    public sealed record Created(SessionId SessionId, SessionStatusView Status) : Reply(SessionId);

    public sealed record AlreadyExists(SessionId SessionId, SessionStatusView Status) : Reply(SessionId);

    public sealed record StatusReply(SessionId SessionId, SessionStatusView Status) : Reply(SessionId);

    public sealed record Deleted(SessionId SessionId) : Reply(SessionId);

    public sealed record NotFound(SessionId SessionId) : Reply(SessionId);

    /// <summary>Linking has started; QR codes follow as domain events.</summary>
    public sealed record LinkStarted(SessionId SessionId) : Reply(SessionId);

    /// <summary>
    /// The pairing code for the user to type on the phone, valid until <paramref name="ExpiresAt"/>, already durable as a
    /// <see cref="PairingCodeBody"/> event. <see cref="ToString"/> leaves the code out (replies can reach logs).
    /// </summary>
    public sealed record LinkCodeIssued(SessionId SessionId, string Code, DateTimeOffset ExpiresAt) : Reply(SessionId)
    {
        public override string ToString() => $"LinkCodeIssued {{ SessionId = {SessionId}, ExpiresAt = {ExpiresAt:O} }}";
    }

    /// <summary>Linking by code ended before a code was issued (also stored as a <see cref="LinkFailedBody"/> event).</summary>
    public sealed record LinkCodeNotIssued(SessionId SessionId, LinkFailure Reason) : Reply(SessionId);

    /// <summary>Linking was not started, and why.</summary>
    public sealed record LinkRefused(SessionId SessionId, LinkRefusal Reason) : Reply(SessionId);

    /// <summary>The session's stored secrets cannot be opened (<see cref="SecretsFailure"/>); it does nothing until that is fixed.</summary>
    public sealed record Unavailable(SessionId SessionId, SecretsFailure Failure, string Reason) : Reply(SessionId);

    /// <summary>
    /// Connects a linked session now: one that was <see cref="SessionStatus.Replaced"/> or <see cref="SessionStatus.Halted"/> (they wait for this), or
    /// <see cref="SessionStatus.Disconnected"/> (the pending backoff is skipped). Replies <see cref="ConnectStarted"/> once
    /// <see cref="SessionStatus.Connecting"/> is durable, or <see cref="ConnectRefused"/>, <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record Connect(SessionId SessionId) : IWithSessionId;

    /// <summary>
    /// Logs the session out: connected, it removes itself from the account (<c>remove-companion-device</c>) first;
    /// either way its keys are wiped and it does not connect again until linked anew. Replies <see cref="LoggedOut"/>
    /// (also when it already was), or <see cref="LogoutRefused"/>, <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record Logout(SessionId SessionId) : IWithSessionId;

    public sealed record ConnectStarted(SessionId SessionId) : Reply(SessionId);

    /// <summary>
    /// Drops a linked session's live connection (or a pending reconnect wait) and logs in again at once, without the
    /// backoff: <see cref="SessionStatus.Disconnected"/> (with a <see cref="DisconnectedBody"/> of reason
    /// <see cref="DisconnectReason.Restart"/>), then <see cref="SessionStatus.Connecting"/>. Replies <see cref="Restarting"/>
    /// once both are durable, or <see cref="ConnectRefused"/> (<see cref="ConnectRefusal.NotLinked"/>,
    /// <see cref="ConnectRefusal.Deleted"/>, <see cref="ConnectRefusal.AlreadyConnecting"/> while a login is under way),
    /// <see cref="NotFound"/>, <see cref="Unavailable"/>. A replaced or halted session is connected as by <see cref="Connect"/>.
    /// </summary>
    public sealed record Restart(SessionId SessionId) : IWithSessionId;

    /// <summary>The old connection is closed and a new one is opening.</summary>
    public sealed record Restarting(SessionId SessionId) : Reply(SessionId);

    public sealed record ConnectRefused(SessionId SessionId, ConnectRefusal Reason) : Reply(SessionId);

    /// <summary>The session is logged out; <paramref name="KeysWiped"/> false: the journal refused to delete the data key (logged; tried again at the next start).</summary>
    public sealed record LoggedOut(SessionId SessionId, bool KeysWiped) : Reply(SessionId);

    public sealed record LogoutRefused(SessionId SessionId, LogoutRefusal Reason) : Reply(SessionId);
}

/// <summary>Why <see cref="SessionCommands.Connect"/> was refused.</summary>
public enum ConnectRefusal
{
    /// <summary>The session has never been linked, or is logged out: link it first.</summary>
    NotLinked,

    /// <summary>A connection is running or starting (including a link in progress).</summary>
    AlreadyConnecting,

    /// <summary>The session was deleted.</summary>
    Deleted,
}

/// <summary>Why <see cref="SessionCommands.Logout"/> was refused.</summary>
public enum LogoutRefusal
{
    /// <summary>The session is not linked (never, or a link is still in progress): there is nothing to log out of.</summary>
    NotLinked,

    /// <summary>The session was deleted.</summary>
    Deleted,
}

/// <summary>Why <see cref="SessionCommands.LinkByQr"/> or <see cref="SessionCommands.LinkByCode"/> was refused.</summary>
public enum LinkRefusal
{
    /// <summary>The session is linked to a phone already (it has a device JID).</summary>
    AlreadyLinked,

    /// <summary>A link attempt is running.</summary>
    AlreadyLinking,

    /// <summary>The session was deleted.</summary>
    Deleted,

    /// <summary><see cref="SessionCommands.LinkByCode"/>'s phone number is not 7 to 15 digits in international form.</summary>
    InvalidPhoneNumber,
}

/// <summary>
/// What a status query shows: no key material, only public facts (the identity public key, which peers see anyway).
/// <see cref="SecretsFailure"/> is set when the session's secrets could not be opened at recovery (and says why);
/// Registration id and identity key are null only when the secrets could not be opened. <see cref="Proxy"/> is the
/// session's proxy without its password (<c>socks5://user@host:port</c>), or null for a direct connection.
/// <see cref="Settings"/> are the session's current settings (null only when its secrets could not be opened and its
/// options are unknown).
/// </summary>
public sealed record SessionStatusView(
    SessionId SessionId,
    SessionStatus Status,
    DateTimeOffset CreatedAt,
    uint? RegistrationId,
    string? IdentityPublicKeyHex,
    string? DeviceJid,
    long LastEventSequence,
    SecretsFailure? SecretsFailure = null,
    string? SecretsFailureReason = null,
    string? Lid = null,
    string? Proxy = null,
    SessionSettings? Settings = null);
