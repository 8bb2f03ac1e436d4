using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Groups;

/// <summary>A member's role; the creator is the group's super admin (<c>type="superadmin"</c> on the wire).</summary>
public enum GroupRole
{
    Member,
    Admin,
    SuperAdmin,
}

/// <summary>A group member: the account's phone-number user JID (no device) and its role.</summary>
public sealed record GroupParticipant(Jid Jid, GroupRole Role)
{
    /// <summary>The <c>type</c> attribute of <c>&lt;participant&gt;</c>, or null for a plain member.</summary>
    public string? WireType => Role switch
    {
        GroupRole.SuperAdmin => "superadmin",
        GroupRole.Admin => "admin",
        _ => null,
    };
}

/// <summary>One group as it is now: <c>&lt;id&gt;@g.us</c>, its subject, creator, creation time and members. Immutable;
/// a change replaces the whole record in the <see cref="GroupDirectory"/>.</summary>
public sealed record Group(Jid Jid, string Subject, Jid Creator, DateTimeOffset CreatedAt, IReadOnlyList<GroupParticipant> Participants)
{
    /// <summary>Who set the subject last (the creator until someone changes it).</summary>
    public Jid? SubjectOwner { get; init; }

    /// <summary>When the subject was set last (creation until someone changes it).</summary>
    public DateTimeOffset? SubjectTime { get; init; }

    /// <summary>The description, its id (each change has a new one), who set it and when; null when there is none.</summary>
    public GroupDescription? Description { get; init; }

    /// <summary>The current invite link code (made on first ask, replaced on a reset); null until asked.</summary>
    public string? InviteCode { get; init; }

    /// <summary>Whether <paramref name="user"/> (a user JID; a device part is ignored) is a member.</summary>
    public bool IsParticipant(Jid user) => Participants.Any(p => p.Jid.User == user.User && p.Jid.Server == user.Server);
}

/// <summary>A group's description: its text, the id the setter gave it, who set it (PN user JID) and when.</summary>
public sealed record GroupDescription(string Text, string Id, Jid Owner, DateTimeOffset At);

/// <summary>Why a group operation was refused.</summary>
public enum GroupFailure
{
    /// <summary>No account for the creator or a participant.</summary>
    UnknownAccount,

    /// <summary>No such group.</summary>
    UnknownGroup,

    /// <summary>The subject is empty or longer than <see cref="GroupDirectory.MaxSubjectLength"/>.</summary>
    BadSubject,

    /// <summary>The description is longer than <see cref="GroupDirectory.MaxDescriptionLength"/>, or its <c>prev</c> is not the current one.</summary>
    BadDescription,

    /// <summary>The acting user is not a member, or not an admin where one is needed.</summary>
    NotAllowed,
}

/// <summary>A refused group operation.</summary>
public sealed class GroupException(GroupFailure failure, string message) : Exception(message)
{
    public GroupFailure Failure { get; } = failure;
}

/// <summary>
/// The simulator's groups, in memory. Thread-safe: every change swaps an immutable <see cref="Group"/>. Members are
/// accounts of the simulator (their PN user JIDs); the relay fans a group message out to every device of every
/// member (<see cref="TryGet"/>, <see cref="Group.Participants"/>).
/// </summary>
internal sealed class GroupDirectory(AccountDirectory accounts, TimeProvider clock)
{
    /// <summary>Longest subject accepted (WhatsApp's limit is 100 characters).</summary>
    public const int MaxSubjectLength = 100;

    /// <summary>Longest description accepted (WhatsApp's limit is 2048 characters).</summary>
    public const int MaxDescriptionLength = 2048;

    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Group> All => [.. _groups.Values];

    public bool TryGet(Jid jid, [NotNullWhen(true)] out Group? group)
    {
        group = null;
        return jid.IsGroup && _groups.TryGetValue(jid.User, out group);
    }

    /// <summary>Creates a group; the creator is super admin and always a member, duplicates are dropped.</summary>
    /// <exception cref="GroupException">Unknown account (creator or participant), or a bad subject.</exception>
    public Group Create(string subject, Jid creator, IEnumerable<Jid> participants)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength)
        {
            throw new GroupException(GroupFailure.BadSubject, $"The subject must be 1 to {MaxSubjectLength} characters.");
        }

        var creatorUser = RequireAccount(creator);
        List<GroupParticipant> members = [new(creatorUser, GroupRole.SuperAdmin)];
        foreach (var participant in participants)
        {
            var user = RequireAccount(participant);
            if (members.All(m => m.Jid != user))
            {
                members.Add(new GroupParticipant(user, GroupRole.Member));
            }
        }

        while (true)
        {
            var id = "120363" + RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture)
                + RandomNumberGenerator.GetInt32(100, 1000).ToString(CultureInfo.InvariantCulture);
            var group = new Group(new Jid(id, JidServer.Group), subject, creatorUser, clock.GetUtcNow(), members);
            if (_groups.TryAdd(id, group))
            {
                return group;
            }
        }
    }

    /// <summary>Adds members (already-members are left as they are); the actor must be an admin.</summary>
    /// <exception cref="GroupException">Unknown group or account, or the actor may not add.</exception>
    public Group AddParticipants(Jid groupJid, Jid actor, IEnumerable<Jid> participants)
    {
        var users = participants.Select(RequireAccount).ToArray();
        return Update(groupJid, actor, group =>
        {
            var members = group.Participants.ToList();
            foreach (var user in users.Where(u => !group.IsParticipant(u)).Distinct())
            {
                members.Add(new GroupParticipant(user, GroupRole.Member));
            }

            return group with { Participants = members };
        });
    }

    /// <summary>Sets the subject; any member may (groups are not "locked" in the simulator).</summary>
    /// <exception cref="GroupException">Unknown group, a bad subject, or the actor is not a member.</exception>
    public Group UpdateSubject(Jid groupJid, Jid actor, string subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength)
        {
            throw new GroupException(GroupFailure.BadSubject, $"The subject must be 1 to {MaxSubjectLength} characters.");
        }

        var owner = accounts.Find(actor)?.Jid ?? new Jid(actor.User, actor.Server);
        return Update(groupJid, actor, group => group with { Subject = subject, SubjectOwner = owner, SubjectTime = clock.GetUtcNow() }, requireAdmin: false);
    }

    /// <summary>
    /// Sets the description (<paramref name="text"/> null deletes it); any member may. <paramref name="previousId"/>, when
    /// given, must be the current description's id (so two members editing at once do not overwrite each other).
    /// </summary>
    /// <exception cref="GroupException">Unknown group, a bad description or a stale <paramref name="previousId"/>, or the actor is not a member.</exception>
    public Group UpdateDescription(Jid groupJid, Jid actor, string id, string? previousId, string? text)
    {
        if (text is { Length: > MaxDescriptionLength })
        {
            throw new GroupException(GroupFailure.BadDescription, $"The description must be at most {MaxDescriptionLength} characters.");
        }

        var owner = accounts.Find(actor)?.Jid ?? new Jid(actor.User, actor.Server);
        return Update(groupJid, actor, group =>
        {
            if (previousId is not null && group.Description?.Id != previousId)
            {
                throw new GroupException(GroupFailure.BadDescription, $"prev {previousId} is not the current description.");
            }

            return group with { Description = text is null ? null : new GroupDescription(text, id, owner, clock.GetUtcNow()) };
        }, requireAdmin: false);
    }

    /// <summary>The group's invite code, made on first ask; <paramref name="reset"/> replaces it (the old link stops working). Admins only.</summary>
    /// <exception cref="GroupException">Unknown group, or the actor is not an admin.</exception>
    public Group InviteCode(Jid groupJid, Jid actor, bool reset) =>
        Update(groupJid, actor, group => group.InviteCode is not null && !reset
            ? group
            : group with { InviteCode = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', 'A').Replace('/', 'B')[..22] });

    /// <summary>Makes members admins (<see cref="GroupRole.Admin"/>) or plain members; the super admin keeps its role. The actor must be an admin.</summary>
    /// <exception cref="GroupException">Unknown group, a participant that is not a member, or the actor may not.</exception>
    public Group SetRole(Jid groupJid, Jid actor, IEnumerable<Jid> participants, GroupRole role)
    {
        var users = participants.Select(RequireAccount).ToArray();
        return Update(groupJid, actor, group =>
        {
            if (users.FirstOrDefault(u => !group.IsParticipant(u)) is { IsEmpty: false } outsider)
            {
                throw new GroupException(GroupFailure.UnknownAccount, $"{outsider} is not a member of {groupJid}.");
            }

            return group with
            {
                Participants = [.. group.Participants.Select(p => users.Contains(p.Jid) && p.Role != GroupRole.SuperAdmin ? p with { Role = role } : p)],
            };
        });
    }

    /// <summary>Removes members (non-members are ignored); the actor must be an admin, or be removing only itself.</summary>
    /// <exception cref="GroupException">Unknown group, or the actor may not remove.</exception>
    public Group RemoveParticipants(Jid groupJid, Jid actor, IEnumerable<Jid> participants)
    {
        var users = participants.Select(u => accounts.Find(u)?.Jid ?? new Jid(u.User, u.Server)).ToArray();
        var leaving = users.Length == 1 && users[0].User == actor.User;
        return Update(groupJid, actor, group => group with { Participants = [.. group.Participants.Where(p => !users.Contains(p.Jid))] }, requireAdmin: !leaving);
    }

    private Group Update(Jid groupJid, Jid actor, Func<Group, Group> change, bool requireAdmin = true)
    {
        while (true)
        {
            if (!TryGet(groupJid, out var group))
            {
                throw new GroupException(GroupFailure.UnknownGroup, $"No group {groupJid}.");
            }

            var member = group.Participants.FirstOrDefault(p => p.Jid.User == actor.User);
            if (member is null || (requireAdmin && member.Role == GroupRole.Member))
            {
                throw new GroupException(GroupFailure.NotAllowed, $"{actor.User} may not change the members of {groupJid}.");
            }

            var changed = change(group);
            if (_groups.TryUpdate(groupJid.User, changed, group))
            {
                return changed;
            }
        }
    }

    private Jid RequireAccount(Jid jid)
    {
        // A participant may be named by its PN or its LID; members are kept as PN user JIDs.
        var account = accounts.Find(jid) ?? throw new GroupException(GroupFailure.UnknownAccount, $"{jid} is not an account of this simulator.");
        return account.Jid;
    }
}
