namespace SessionCluster.Sessions;

/// <summary>A member's role in a group (<c>&lt;participant type&gt;</c>: none, <c>admin</c>, <c>superadmin</c>).</summary>
public enum GroupRole
{
    Member,
    Admin,
    SuperAdmin,
}

/// <summary>A group member as the server names it: its jid (a LID in LID addressing mode), its phone number jid when given, its role.</summary>
public sealed record GroupMember(string Jid, string? PhoneNumber, GroupRole Role);

/// <summary>
/// A group as <c>w:g2</c> describes it (docs/PROTOCOL.md §9, Baileys extractGroupMetadata): its jid, subject (who set it
/// and when), description (its id, the one a change must name as <c>prev</c>), creation, creator, addressing mode
/// (<c>lid</c> or <c>pn</c>) and members.
/// </summary>
public sealed record GroupInfo(
    string Jid,
    string Subject,
    string? SubjectOwner,
    DateTimeOffset? SubjectAt,
    string? Description,
    string? DescriptionId,
    DateTimeOffset? CreatedAt,
    string? Creator,
    string AddressingMode,
    IReadOnlyList<GroupMember> Members);

/// <summary>What the server did with one participant of an add, remove, promote or demote: <paramref name="Status"/> 200, or its error code (403, 404, 409...).</summary>
public sealed record GroupParticipantResult(string Jid, int Status);
