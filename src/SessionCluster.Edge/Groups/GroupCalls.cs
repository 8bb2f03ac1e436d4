using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Edge.Sessions.SessionCommandRoute;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Groups;

/// <summary>
/// Group management as REST (<see cref="GroupRoutes"/>) and gRPC (<c>sessioncluster.v1.Groups</c>) both do it: the
/// same checks, commands and problems (docs/API.md "Groups"). Members are named by phone number (international form)
/// or user jid, groups by their jid.
/// </summary>
internal static class GroupCalls
{
    public sealed record MemberView(string Jid, string? Phone, string Role);

    public sealed record GroupView(
        string Jid, string Subject, string? SubjectOwner, DateTimeOffset? SubjectAt, string? Description, DateTimeOffset? CreatedAt, string? Creator,
        string AddressingMode, IReadOnlyList<MemberView> Participants);

    public sealed record ParticipantResultView(string Jid, int Status);

    public sealed record ParticipantsResponse(IReadOnlyList<ParticipantResultView> Participants);

    public sealed record InviteView(string Code, string Link);

    /// <summary>What leaving answers: nothing but that it happened.</summary>
    public sealed record Left(string Group);

    private static readonly Dictionary<string, GroupParticipantAction> Actions = new(StringComparer.Ordinal)
    {
        ["add"] = GroupParticipantAction.Add,
        ["remove"] = GroupParticipantAction.Remove,
        ["promote"] = GroupParticipantAction.Promote,
        ["demote"] = GroupParticipantAction.Demote,
    };

    public static Task<(GroupView? Value, IResult? Problem)> CreateAsync(
        SessionEntry entry, string? subject, IReadOnlyList<string>? participants, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps,
            e => Members(participants, allowEmpty: true) is not { } members
                ? Refuse("participants must be phone numbers in international form or user jids")
                : Built.Ask(new CreateGroup(e.ActorId, subject ?? "", members)),
            Group, ct);

    public static Task<(GroupView? Value, IResult? Problem)> GetAsync(SessionEntry entry, string jid, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps, e => Built.Ask(new GetGroup(e.ActorId, jid)), Group, ct);

    /// <summary>The subject, then the description (each a command; an empty description removes it); the group as it is after both.</summary>
    public static async Task<(GroupView? Value, IResult? Problem)> UpdateAsync(
        SessionEntry entry, string jid, string? subject, string? description, EdgeDependencies deps, CancellationToken ct)
    {
        if (subject is null && description is null)
        {
            return (null, EdgeProblems.InvalidRequest("name subject, description or both (an empty description removes it)"));
        }

        if (subject is not null)
        {
            var (_, problem) = await SessionCall.AskAsync(entry, deps, e => Built.Ask(new SetGroupSubject(e.ActorId, jid, subject)), Changed, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return (null, problem);
            }
        }

        if (description is not null)
        {
            var (_, problem) = await SessionCall.AskAsync(entry, deps,
                e => Built.Ask(new SetGroupDescription(e.ActorId, jid, description.Length == 0 ? null : description)), Changed, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return (null, problem);
            }
        }

        return await GetAsync(entry, jid, deps, ct).ConfigureAwait(false);
    }

    public static Task<(ParticipantsResponse? Value, IResult? Problem)> ChangeParticipantsAsync(
        SessionEntry entry, string jid, string action, IReadOnlyList<string>? participants, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps,
            e => !Actions.TryGetValue(action, out var change) ? Refuse("the action must be add, remove, promote or demote")
                : Members(participants, allowEmpty: false) is not { } members ? Refuse("participants must list 1 or more phone numbers in international form or user jids")
                : Built.Ask(new ChangeGroupParticipants(e.ActorId, jid, change, members)),
            reply => reply is GroupParticipantsChanged changed
                ? new ParticipantsResponse([.. changed.Participants.Select(p => new ParticipantResultView(p.Jid, p.Status))])
                : null, ct);

    public static Task<(Left? Value, IResult? Problem)> LeaveAsync(SessionEntry entry, string jid, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps, e => Built.Ask(new LeaveGroup(e.ActorId, jid)), reply => reply is GroupChanged ? new Left(jid) : null, ct);

    public static Task<(InviteView? Value, IResult? Problem)> InviteAsync(SessionEntry entry, string jid, bool reset, EdgeDependencies deps, CancellationToken ct) =>
        SessionCall.AskAsync(entry, deps, e => Built.Ask(new GetGroupInvite(e.ActorId, jid, Reset: reset)),
            reply => reply is GroupInvite invite ? new InviteView(invite.Code, invite.Link) : null, ct);

    private static Built Refuse(string detail) => Built.Refuse(EdgeProblems.InvalidRequest(detail));

    private static GroupChanged? Changed(Reply reply) => reply as GroupChanged;

    private static GroupView? Group(Reply reply) => reply is GroupReady ready ? View(ready.Group) : null;

    /// <summary>Each participant as a user jid (phone numbers become <c>digits@s.whatsapp.net</c>); null when one is neither.</summary>
    private static List<string>? Members(IReadOnlyList<string>? participants, bool allowEmpty)
    {
        participants ??= [];
        if (!allowEmpty && participants.Count == 0)
        {
            return null;
        }

        var jids = participants.Select(MessageRoutes.Recipient).ToList();
        return jids.Any(j => j is null) ? null : [.. jids.OfType<string>()];
    }

    private static GroupView View(GroupInfo group) => new(
        group.Jid, group.Subject, group.SubjectOwner, group.SubjectAt, group.Description, group.CreatedAt, group.Creator, group.AddressingMode,
        [.. group.Members.Select(m => new MemberView(m.Jid, m.PhoneNumber, m.Role switch
        {
            GroupRole.SuperAdmin => "superadmin",
            GroupRole.Admin => "admin",
            _ => "member",
        }))]);
}
