using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions;

/// <summary>The session's status (stories) command.</summary>
public static partial class SessionCommands
{
    /// <summary>The chat every status is posted to and arrives from (docs/PROTOCOL.md §9 "Status").</summary>
    public const string StatusChat = "status@broadcast";

    /// <summary>The most users one status is shown to (one usync asks for all their devices).</summary>
    public const int MaxStatusAudience = 2048;

    /// <summary>
    /// Posts <paramref name="Content"/> as a status shown to <paramref name="Audience"/> (user jids: number@s.whatsapp.net
    /// or id@lid; the session's own other devices get it too). Like <see cref="Send"/>: durable before the answer,
    /// <see cref="SendAccepted"/> with the message id, then <see cref="MessageStatusBody"/> events for the chat
    /// <see cref="StatusChat"/>; the same <paramref name="IdempotencyKey"/> is answered with the first post's id. Refused
    /// with <see cref="SendRefused"/> (an empty, too long or malformed audience is <see cref="SendRefusal.BadRecipient"/>),
    /// or <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record PostStatus(SessionId SessionId, IReadOnlyList<string> Audience, Message Content, string? IdempotencyKey = null) : IWithSessionId
    {
        public override string ToString() => $"PostStatus {{ SessionId = {SessionId}, Audience = {Audience.Count} users, IdempotencyKey = {IdempotencyKey} }}";
    }
}
