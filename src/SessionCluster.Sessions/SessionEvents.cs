using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>A session's lifecycle status.</summary>
public enum SessionStatus
{
    Created = 1,
    Linking = 2,
    Connecting = 3,
    Connected = 4,
    Disconnected = 5,
    LoggedOut = 6,
    Deleted = 7,

    /// <summary>Another connection took this device (a <c>replaced</c> conflict); the session waits for <see cref="SessionCommands.Connect"/>.</summary>
    Replaced = 8,

    /// <summary>
    /// The server refused the login in a way another attempt cannot fix (<c>&lt;failure reason="402"/&gt;</c> temporarily
    /// banned, <c>405</c> client outdated); the session waits for <see cref="SessionCommands.Connect"/>.
    /// </summary>
    Halted = 9,
}

/// <summary>A domain event's body: what happened.</summary>
public abstract record SessionEventBody;

/// <summary>The session's status changed.</summary>
public sealed record SessionStatusChangedBody(SessionStatus Status) : SessionEventBody;

/// <summary>
/// A QR string for the user to scan with the phone, valid until <paramref name="ExpiresAt"/> (then the next one comes).
/// It holds the ADV secret and public keys: meant for the user's eyes, so it is an event payload, but never logged;
/// <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record QrCodeBody(string Qr, DateTimeOffset ExpiresAt) : SessionEventBody
{
    public override string ToString() => $"QrCodeBody {{ ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>
/// The pairing code (8 characters of <see cref="Protocol.Pairing.PairingCode.Alphabet"/>, shown as XXXX-XXXX) the user
/// types on the phone under "Link with phone number", valid until <paramref name="ExpiresAt"/>. Whoever knows it can
/// link the account to this companion: an event payload for the user's eyes, never logged; <see cref="ToString"/>
/// leaves it out.
/// </summary>
public sealed record PairingCodeBody(string Code, DateTimeOffset ExpiresAt) : SessionEventBody
{
    public override string ToString() => $"PairingCodeBody {{ ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>A link attempt (by QR or by pairing code) ended without a link, and why.</summary>
public sealed record LinkFailedBody(LinkFailure Reason) : SessionEventBody;

/// <summary>
/// The connection ended: why (<paramref name="Detail"/> says what the server or the socket did, never a secret), and
/// when the session connects again by itself (null: it does not; it waits for a command or is logged out). Written
/// with each <see cref="SessionStatus.Disconnected"/> and <see cref="SessionStatus.Replaced"/>.
/// </summary>
public sealed record DisconnectedBody(DisconnectReason Reason, string Detail, TimeSpan? ReconnectIn) : SessionEventBody;

/// <summary>The session is logged out, and why: its keys are wiped and it connects again only after a new link.</summary>
public sealed record LoggedOutBody(LogoutReason Reason) : SessionEventBody;

/// <summary>The session's settings changed (<see cref="SessionCommands.UpdateSettings"/>): the whole settings now in force.</summary>
public sealed record SettingsChangedBody(SessionSettings Settings) : SessionEventBody;

/// <summary>Why linking (by QR or by pairing code) ended without a link.</summary>
public enum LinkFailure
{
    /// <summary>Every ref of the pair-device expired and nobody scanned one.</summary>
    QrExpired,

    /// <summary>The pair-success device identity's HMAC does not verify under this companion's ADV secret.</summary>
    HmacMismatch,

    /// <summary>The account signature does not cover this companion's identity key.</summary>
    BadAccountSignature,

    /// <summary>The pair-success stanza or its device identity is malformed.</summary>
    MalformedPairSuccess,

    /// <summary>The connection was lost before the link completed.</summary>
    ConnectionLost,

    /// <summary>The pairing code was not entered on the phone before it expired (<c>Flows/CodePairingSettings</c>).</summary>
    CodeExpired,

    /// <summary>The server answered companion_finish with an error: the phone was given another code (or the bundle failed its check).</summary>
    CodeRefused,

    /// <summary>The server answered companion_hello with an error (for example a phone number without a WhatsApp account).</summary>
    HelloRefused,

    /// <summary>The server's answer to companion_hello or the phone's link_code_companion_reg notification is malformed.</summary>
    MalformedCodeExchange,
}

/// <summary>
/// A domain event the edge publishes: a stable id (a version-7 Guid, time-ordered), the per-session gapless sequence
/// number (1, 2, 3 ... over the session's life, across restarts), when, and what. Stored in the session's own log as
/// <see cref="SessionEventRecord"/>, in the same atomic write as the state change it reports.
/// </summary>
public sealed record SessionEvent(Guid Id, SessionId SessionId, long Sequence, DateTimeOffset At, SessionEventBody Body)
{
    public SessionEventRecord ToRecord() => new SessionEventRecord
    {
        EventId = Id.ToString(),
        Sequence = Sequence,
        AtUnixMs = At.ToUnixTimeMilliseconds(),
    }.WithBody(Body);

    public static SessionEvent FromRecord(SessionId sessionId, SessionEventRecord record) => new(
        Guid.Parse(record.EventId),
        sessionId,
        record.Sequence,
        DateTimeOffset.FromUnixTimeMilliseconds(record.AtUnixMs),
        record.BodyCase switch
        {
            SessionEventRecord.BodyOneofCase.StatusChanged => new SessionStatusChangedBody((SessionStatus)record.StatusChanged.Status),
            SessionEventRecord.BodyOneofCase.QrCode => new QrCodeBody(record.QrCode.Qr, DateTimeOffset.FromUnixTimeMilliseconds(record.QrCode.ExpiresAtUnixMs)),
            SessionEventRecord.BodyOneofCase.LinkFailed => new LinkFailedBody(Enum.Parse<LinkFailure>(record.LinkFailed.Reason)),
            SessionEventRecord.BodyOneofCase.Disconnected => new DisconnectedBody(
                Enum.Parse<DisconnectReason>(record.Disconnected.Reason),
                record.Disconnected.Detail,
                record.Disconnected.HasReconnectInMs ? TimeSpan.FromMilliseconds(record.Disconnected.ReconnectInMs) : null),
            SessionEventRecord.BodyOneofCase.LoggedOut => new LoggedOutBody(Enum.Parse<LogoutReason>(record.LoggedOut.Reason)),
            SessionEventRecord.BodyOneofCase.MessageReceived => MessageReceivedBody.FromProto(record.MessageReceived),
            SessionEventRecord.BodyOneofCase.MessageStatus => MessageStatusBody.FromProto(record.MessageStatus),
            SessionEventRecord.BodyOneofCase.MessageUndecryptable => UndecryptableBody.FromProto(record.MessageUndecryptable),
            SessionEventRecord.BodyOneofCase.IdentityChanged => ContactIdentityChangedBody.FromProto(record.IdentityChanged),
            SessionEventRecord.BodyOneofCase.PairingCode => new PairingCodeBody(record.PairingCode.Code, DateTimeOffset.FromUnixTimeMilliseconds(record.PairingCode.ExpiresAtUnixMs)),
            SessionEventRecord.BodyOneofCase.SettingsChanged => new SettingsChangedBody(SessionSettings.FromRecord(record.SettingsChanged)),
            SessionEventRecord.BodyOneofCase.GroupChanged => GroupChangedBody.FromProto(record.GroupChanged),
            SessionEventRecord.BodyOneofCase.PresenceUpdated => PresenceUpdateBody.FromProto(record.PresenceUpdated),
            SessionEventRecord.BodyOneofCase.ChatState => ChatStateBody.FromProto(record.ChatState),
            SessionEventRecord.BodyOneofCase.CallOffered => CallOfferBody.FromProto(record.CallOffered),
            SessionEventRecord.BodyOneofCase.HistorySynced => HistorySyncBody.FromProto(record.HistorySynced),
            SessionEventRecord.BodyOneofCase.PollVoteReceived => PollVoteReceivedBody.FromProto(record.PollVoteReceived),
            SessionEventRecord.BodyOneofCase.ChatSetting => ChatSettingChangedBody.FromProto(record.ChatSetting),
            SessionEventRecord.BodyOneofCase.ContactUpdated => ContactUpdatedBody.FromProto(record.ContactUpdated),
            SessionEventRecord.BodyOneofCase.PushNameChanged => PushNameChangedBody.FromProto(record.PushNameChanged),
            var other => throw new InvalidOperationException($"Session {sessionId} event {record.Sequence} has no known body ({other})."),
        });
}

internal static class SessionEventRecordBodies
{
    /// <summary>Sets the record's oneof body from <paramref name="body"/>; a body without a stored form is a bug.</summary>
    public static SessionEventRecord WithBody(this SessionEventRecord record, SessionEventBody body)
    {
        switch (body)
        {
            case SessionStatusChangedBody status:
                record.StatusChanged = new SessionStatusChanged { Status = (SessionStatusValue)status.Status };
                break;
            case QrCodeBody qr:
                record.QrCode = new QrCodeShown { Qr = qr.Qr, ExpiresAtUnixMs = qr.ExpiresAt.ToUnixTimeMilliseconds() };
                break;
            case LinkFailedBody failed:
                record.LinkFailed = new LinkFailed { Reason = failed.Reason.ToString() };
                break;
            case DisconnectedBody disconnected:
                record.Disconnected = new SessionDisconnected { Reason = disconnected.Reason.ToString(), Detail = disconnected.Detail };
                if (disconnected.ReconnectIn is { } reconnectIn)
                {
                    record.Disconnected.ReconnectInMs = (long)reconnectIn.TotalMilliseconds;
                }

                break;
            case LoggedOutBody loggedOut:
                record.LoggedOut = new SessionLoggedOut { Reason = loggedOut.Reason.ToString() };
                break;
            case MessageReceivedBody received:
                record.MessageReceived = received.ToProto();
                break;
            case MessageStatusBody status:
                record.MessageStatus = status.ToProto();
                break;
            case UndecryptableBody undecryptable:
                record.MessageUndecryptable = undecryptable.ToProto();
                break;
            case ContactIdentityChangedBody identity:
                record.IdentityChanged = identity.ToProto();
                break;
            case PairingCodeBody code:
                record.PairingCode = new PairingCodeShown { Code = code.Code, ExpiresAtUnixMs = code.ExpiresAt.ToUnixTimeMilliseconds() };
                break;
            case SettingsChangedBody settings:
                record.SettingsChanged = settings.Settings.ToRecord();
                break;
            case GroupChangedBody group:
                record.GroupChanged = group.ToProto();
                break;
            case PresenceUpdateBody presence:
                record.PresenceUpdated = presence.ToProto();
                break;
            case ChatStateBody chatState:
                record.ChatState = chatState.ToProto();
                break;
            case CallOfferBody call:
                record.CallOffered = call.ToProto();
                break;
            case HistorySyncBody history:
                record.HistorySynced = history.ToProto();
                break;
            case PollVoteReceivedBody vote:
                record.PollVoteReceived = vote.ToProto();
                break;
            case ChatSettingChangedBody chatSetting:
                record.ChatSetting = chatSetting.ToProto();
                break;
            case ContactUpdatedBody contact:
                record.ContactUpdated = contact.ToProto();
                break;
            case PushNameChangedBody pushName:
                record.PushNameChanged = pushName.ToProto();
                break;
            default:
                throw new ArgumentException($"No stored form for {body.GetType().Name}.", nameof(body));
        }

        return record;
    }
}
