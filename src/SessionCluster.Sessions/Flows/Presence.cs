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

    /// <summary><c>&lt;presence type="subscribe" to=USER/&gt;</c>: the server then tells this connection the user's presence, now and on each change.</summary>
    public static Node Subscribe(Jid user) => new("presence", [("type", "subscribe"), ("to", user.ToString())]);

    /// <summary>
    /// A contact's presence (<c>&lt;presence from type [last]/&gt;</c>, §13): the user, whether online, and when last
    /// seen (absent, or <c>deny</c> when hidden); null for a stanza that is not a contact's presence.
    /// </summary>
    public static PresenceUpdateBody? ReadPresence(Node presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        if (presence.GetOptionalJid("from") is not { } from || !(from.IsPhoneNumber || from.IsLid))
        {
            return null;
        }

        var available = presence.GetOptionalString("type") is null or "available";
        DateTimeOffset? last = long.TryParse(presence.GetOptionalString("last"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        return new PresenceUpdateBody(from.ToNonAd().ToString(), available, available ? null : last);
    }

    /// <summary>
    /// A chat state (<c>&lt;chatstate from [participant]&gt;&lt;composing [media="audio"]/&gt;|&lt;paused/&gt;</c>): the chat, who,
    /// and typing, recording or paused; null for anything else.
    /// </summary>
    public static ChatStateBody? ReadChatState(Node chatstate)
    {
        ArgumentNullException.ThrowIfNull(chatstate);
        if (chatstate.GetOptionalJid("from") is not { } from || chatstate.ContentKind != NodeContentKind.Children || chatstate.Children.Count == 0)
        {
            return null;
        }

        var state = chatstate.Children[0] switch
        {
            { Tag: "composing" } c when c.GetOptionalString("media") == "audio" => PresenceState.Recording,
            { Tag: "composing" } => PresenceState.Composing,
            { Tag: "paused" } => PresenceState.Paused,
            _ => (PresenceState?)null,
        };
        var sender = chatstate.GetOptionalJid("participant") ?? from;
        return state is { } s ? new ChatStateBody(from.ToNonAd().ToString(), sender.ToNonAd().ToString(), s) : null;
    }
}
