using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions;

/// <summary>
/// The session's group management (docs/PROTOCOL.md §9, <c>w:g2</c>). Each needs a connection and is one iq (a
/// description change two: it names the current description as <c>prev</c>). Groups are named by their jid
/// (<c>…@g.us</c>), members by user jid or phone number. Replies as each command says, or <see cref="GroupRefused"/>,
/// <see cref="NotFound"/>, <see cref="Unavailable"/>.
/// </summary>
public static partial class SessionCommands
{
    /// <summary>Longest subject WhatsApp takes.</summary>
    public const int MaxGroupSubjectLength = 100;

    /// <summary>Longest description WhatsApp takes.</summary>
    public const int MaxGroupDescriptionLength = 2048;

    /// <summary>Most participants one call names (a group holds at most 1024 members).</summary>
    public const int MaxGroupParticipants = 1024;

    /// <summary>Creates a group with the session's account as its super admin; replies <see cref="GroupReady"/> with the new group.</summary>
    public sealed record CreateGroup(SessionId SessionId, string Subject, IReadOnlyList<string> Participants) : IWithSessionId;

    /// <summary>The group's metadata (members only); replies <see cref="GroupReady"/>.</summary>
    public sealed record GetGroup(SessionId SessionId, string Group) : IWithSessionId;

    /// <summary>Adds, removes, promotes or demotes members (admins only); replies <see cref="GroupParticipantsChanged"/> with each one's outcome.</summary>
    public sealed record ChangeGroupParticipants(SessionId SessionId, string Group, GroupParticipantAction Action, IReadOnlyList<string> Participants) : IWithSessionId;

    /// <summary>Sets the subject; replies <see cref="GroupChanged"/>.</summary>
    public sealed record SetGroupSubject(SessionId SessionId, string Group, string Subject) : IWithSessionId;

    /// <summary>Sets the description, or removes it when <paramref name="Description"/> is null; replies <see cref="GroupChanged"/>.</summary>
    public sealed record SetGroupDescription(SessionId SessionId, string Group, string? Description) : IWithSessionId;

    /// <summary>Leaves the group; replies <see cref="GroupChanged"/>.</summary>
    public sealed record LeaveGroup(SessionId SessionId, string Group) : IWithSessionId;

    /// <summary>The group's invite code, or a new one (the old link stops working) with <paramref name="Reset"/>; replies <see cref="GroupInvite"/>.</summary>
    public sealed record GetGroupInvite(SessionId SessionId, string Group, bool Reset = false) : IWithSessionId;

    public sealed record GroupReady(SessionId SessionId, GroupInfo Group) : Reply(SessionId);

    public sealed record GroupParticipantsChanged(SessionId SessionId, IReadOnlyList<GroupParticipantResult> Participants) : Reply(SessionId);

    public sealed record GroupChanged(SessionId SessionId, string Group) : Reply(SessionId);

    /// <param name="Link">The link a person opens to join: <c>https://chat.whatsapp.com/CODE</c>.</param>
    public sealed record GroupInvite(SessionId SessionId, string Code, string Link) : Reply(SessionId);

    /// <summary>Nothing was changed, and why.</summary>
    public sealed record GroupRefused(SessionId SessionId, GroupRefusal Reason, string Detail) : Reply(SessionId);
}

/// <summary>Why a group command was refused.</summary>
public enum GroupRefusal
{
    /// <summary>A bad group jid, subject, description or participant list (nothing was asked).</summary>
    BadRequest,

    NotLinked,

    Ended,

    /// <summary>The session has no live connection (group commands are not queued).</summary>
    NotConnected,

    /// <summary>The server did not answer (timeout, connection lost, an unreadable answer).</summary>
    Unanswered,

    /// <summary>The server knows no such group (404), or the session is not in it.</summary>
    NotFound,

    /// <summary>The session's account may not do this (403: not a member, not an admin).</summary>
    Forbidden,

    /// <summary>The group changed meanwhile (409: a description changed by someone else since it was read); ask again.</summary>
    Conflict,

    /// <summary>The server refused the request otherwise (the detail has its code).</summary>
    Refused,
}
