namespace SessionCluster.Sessions;

/// <summary>Why a session is logged out (<see cref="LoggedOutBody"/>): its keys are wiped and it never connects again until linked anew.</summary>
public enum LogoutReason
{
    /// <summary>
    /// <c>&lt;stream:error code="401"&gt;</c>, with or without <c>&lt;conflict type="device_removed"/&gt;</c>: the phone
    /// removed this companion (or the server logged it out) while it was connected.
    /// </summary>
    DeviceRemoved,

    /// <summary><c>&lt;failure reason="401"/&gt;</c> at login: the server no longer knows this device.</summary>
    LoginRefused,

    /// <summary><c>&lt;failure reason="403"/&gt;</c> at login: the main device is gone or the account is locked.</summary>
    MainDeviceGone,

    /// <summary><c>&lt;failure reason="406"/&gt;</c> at login: banned, or logged out for a reason the server does not give.</summary>
    UnknownLogout,

    /// <summary>The session's own <see cref="SessionCommands.Logout"/> (it removed itself with <c>remove-companion-device</c>, or, offline, locally).</summary>
    UserInitiated,
}
