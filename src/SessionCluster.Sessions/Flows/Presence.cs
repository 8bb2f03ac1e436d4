using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Presence and chat states on the wire (docs/PROTOCOL.md §13; whatsmeow presence.go SendPresence / SendChatPresence):
/// the account's <c>&lt;presence type="available|unavailable" [name]/&gt;</c>, and a chat's
/// <c>&lt;chatstate to=JID&gt;&lt;composing/&gt;|&lt;composing media="audio"/&gt;|&lt;paused/&gt;&lt;/chatstate&gt;</c>.
/// Pure builders.
/// </summary>
public static class Presence
{
    /// <summary>Whether <paramref name="state"/> is a chat's (it needs a chat) rather than the account's.</summary>
    public static bool IsChatState(PresenceState state) => state is PresenceState.Composing or PresenceState.Recording or PresenceState.Paused;

    /// <summary>The account's presence; whatsmeow sends the push name with it when it has one.</summary>
    public static Node Account(PresenceState state, string? pushName)
    {
        var type = state switch
        {
            PresenceState.Available => "available",
            PresenceState.Unavailable => "unavailable",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not an account presence."),
        };
        return string.IsNullOrEmpty(pushName)
            ? new Node("presence", [("type", type)])
            : new Node("presence", [("name", pushName), ("type", type)]);
    }

    /// <summary>A chat state shown in <paramref name="chat"/>: recording is composing with <c>media="audio"</c>.</summary>
    public static Node ChatState(Jid chat, PresenceState state)
    {
        var child = state switch
        {
            PresenceState.Composing => new Node("composing"),
            PresenceState.Recording => new Node("composing", [("media", "audio")]),
            PresenceState.Paused => new Node("paused"),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a chat state."),
        };
        return new Node("chatstate", [("to", chat.ToString())], [child]);
    }
}
