using SessionCluster.Protocol.Stanzas;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// What a linked session does after its connection ended, from the <see cref="ConnectionProtocol.ConnectionLost"/> alone
/// (docs/PROTOCOL.md §3, docs/SESSIONS.md "When the server ends a session"). Pure: the actor does the waiting, the
/// writing and the wiping.
/// </summary>
/// <remarks>
/// whatsmeow and Baileys agree on the outline: 515 restarts at once; 401 (a stream error, with or without
/// <c>device_removed</c>, or a login <c>&lt;failure&gt;</c>) is a logout and the credentials go; a <c>replaced</c>
/// conflict means another connection holds the device, and fighting it back is a loop between two clients, so the
/// session stops. whatsmeow also counts <c>&lt;failure&gt;</c> 403 and 406 as logouts (Baileys: 403 and 419 are
/// "unauthorized"); we follow whatsmeow, whose store wipe is the same act as ours. whatsmeow does not reconnect after
/// a temporary ban (402) or an outdated client (405) either: logging in during a ban is what lengthens bans, and an old
/// client stays old, so the session halts until an operator connects it. Every other loss is retried on the backoff
/// ladder.
/// </remarks>
internal abstract record LossVerdict
{
    private LossVerdict()
    {
    }

    /// <summary>Connect again after the reconnect policy's delay.</summary>
    public sealed record Backoff(DisconnectReason Reason) : LossVerdict;

    /// <summary>The server asked for a restart (515): connect again at once.</summary>
    public sealed record RestartNow : LossVerdict;

    /// <summary>Another connection took the device: stop, and connect again only when told to.</summary>
    public sealed record Replaced : LossVerdict;

    /// <summary>The login was refused in a way no retry fixes (banned for now, client outdated): stop until told to connect.</summary>
    public sealed record Halt(DisconnectReason Reason) : LossVerdict;

    /// <summary>The device is logged out: wipe the keys, never connect again until linked anew.</summary>
    public sealed record LoggedOut(LogoutReason Reason) : LossVerdict;

    /// <summary>The verdict on one loss.</summary>
    public static LossVerdict Of(ConnectionProtocol.ConnectionLost lost)
    {
        ArgumentNullException.ThrowIfNull(lost);
        return lost.Reason switch
        {
            ConnectionLossReason.StreamError => OfStreamError(lost.StreamErrorCode, lost.ConflictType),
            ConnectionLossReason.LoginFailed => OfLoginFailure(lost.FailureReason),
            _ => new Backoff(DisconnectReason.ConnectionLost),
        };
    }

    private static LossVerdict OfStreamError(int? code, string? conflictType) => (code, conflictType) switch
    {
        (_, "device_removed") => new LoggedOut(LogoutReason.DeviceRemoved),
        (StreamErrors.LoggedOut, _) => new LoggedOut(LogoutReason.DeviceRemoved),
        // Any other conflict is read as "someone else holds this device" (Baileys maps every conflict to one code):
        // stopping costs an operator's command, fighting costs a connection loop.
        (_, not null) => new Replaced(),
        (StreamErrors.RestartRequired, _) => new RestartNow(),
        (>= 500 and <= 599, _) => new Backoff(DisconnectReason.ServerError),
        _ => new Backoff(DisconnectReason.StreamError),
    };

    private static LossVerdict OfLoginFailure(int? reason) => reason switch
    {
        401 => new LoggedOut(LogoutReason.LoginRefused),
        403 => new LoggedOut(LogoutReason.MainDeviceGone),
        406 => new LoggedOut(LogoutReason.UnknownLogout),
        402 => new Halt(DisconnectReason.TemporarilyBanned),
        405 => new Halt(DisconnectReason.ClientOutdated),
        >= 500 and <= 599 => new Backoff(DisconnectReason.ServerError),
        _ => new Backoff(DisconnectReason.LoginFailed),
    };
}
