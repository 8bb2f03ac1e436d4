namespace SessionCluster.Sessions;

/// <summary>The session's presence command: online/offline for the account, typing or recording in a chat.</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Sends presence (docs/PROTOCOL.md §13). <see cref="PresenceState.Available"/> and <see cref="PresenceState.Unavailable"/>
    /// are the account's (<c>&lt;presence type name/&gt;</c>; <paramref name="Chat"/> must be null);
    /// <see cref="PresenceState.Composing"/>, <see cref="PresenceState.Recording"/> and <see cref="PresenceState.Paused"/>
    /// are a chat state shown in <paramref name="Chat"/> (a user or group jid: <c>&lt;chatstate to&gt;&lt;composing/&gt;</c>,
    /// recording = <c>&lt;composing media="audio"/&gt;</c>). Presence is ephemeral: it goes out only while connected and is
    /// never queued or stored. Replies <see cref="PresenceSent"/>, or <see cref="SendRefused"/> (<see cref="SendRefusal.NotConnected"/>,
    /// <see cref="SendRefusal.BadRecipient"/>, <see cref="SendRefusal.NotLinked"/>, <see cref="SendRefusal.Ended"/>),
    /// <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record SendPresence(SessionId SessionId, PresenceState State, string? Chat = null) : IWithSessionId;

    /// <summary>
    /// Asks the server for <paramref name="Jid"/>'s presence (a user jid): it answers now and on every change while this
    /// connection lasts, each a <see cref="PresenceUpdateBody"/> event (a new connection must subscribe again, as with
    /// WhatsApp's own clients). Needs a connection. Replies <see cref="PresenceSent"/>, or <see cref="SendRefused"/>.
    /// </summary>
    public sealed record SubscribePresence(SessionId SessionId, string Jid) : IWithSessionId;

    /// <summary>The presence stanza is on its way to the server.</summary>
    public sealed record PresenceSent(SessionId SessionId, PresenceState State) : Reply(SessionId);
}

/// <summary>What <see cref="SessionCommands.SendPresence"/> shows.</summary>
public enum PresenceState
{
    /// <summary>The account is online.</summary>
    Available,

    /// <summary>The account is offline (the server records "last seen").</summary>
    Unavailable,

    /// <summary>Typing in a chat.</summary>
    Composing,

    /// <summary>Recording a voice message in a chat.</summary>
    Recording,

    /// <summary>Stopped typing or recording in a chat.</summary>
    Paused,
}
