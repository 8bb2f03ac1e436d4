using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Groups;

/// <summary>
/// Group management through a session (docs/API.md "Groups"): create, read, change subject and description, change
/// members, leave, invite link. Each is one command to the session, which asks the server on its live connection;
/// members are named by phone number (international form) or user jid, groups by their jid (<c>…@g.us</c>).
/// </summary>
internal static class GroupRoutes
{
    public sealed record CreateGroupRequest(string? Subject = null, IReadOnlyList<string>? Participants = null);

    public sealed record UpdateGroupRequest(string? Subject = null, string? Description = null);

    public sealed record ParticipantsRequest(IReadOnlyList<string>? Participants = null);

    public sealed record MemberView(string Jid, string? Phone, string Role);

    public sealed record GroupView(
        string Jid, string Subject, string? SubjectOwner, DateTimeOffset? SubjectAt, string? Description, DateTimeOffset? CreatedAt, string? Creator,
        string AddressingMode, IReadOnlyList<MemberView> Participants);

    public sealed record ParticipantResultView(string Jid, int Status);

    public sealed record ParticipantsResponse(IReadOnlyList<ParticipantResultView> Participants);

    public sealed record InviteView(string Code, string Link);

    private static readonly Dictionary<string, GroupParticipantAction> Actions = new(StringComparer.Ordinal)
    {
        ["add"] = GroupParticipantAction.Add,
        ["remove"] = GroupParticipantAction.Remove,
        ["promote"] = GroupParticipantAction.Promote,
        ["demote"] = GroupParticipantAction.Demote,
    };

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/sessions/{id}/groups", (string id, HttpContext http, CancellationToken ct) =>
            WithBodyAsync<CreateGroupRequest>(id, http, deps, (entry, body) =>
                Participants(body.Participants, allowEmpty: true) is not { } members
                    ? Refuse("participants must be phone numbers in international form or user jids")
                    : (new CreateGroup(entry.ActorId, body.Subject ?? "", members), null),
                reply => reply is GroupReady ready ? Results.Created($"/v1/sessions/{id}/groups/{ready.Group.Jid}", View(ready.Group)) : null, ct))
            .Accepts<CreateGroupRequest>("application/json").Produces<GroupView>(StatusCodes.Status201Created);

        v1.MapGet("/sessions/{id}/groups/{jid}", (string id, string jid, HttpContext http, CancellationToken ct) =>
            AskAsync(id, http, deps, entry => new GetGroup(entry.ActorId, jid), reply => reply is GroupReady ready ? Results.Ok(View(ready.Group)) : null, ct))
            .Produces<GroupView>();

        v1.MapPatch("/sessions/{id}/groups/{jid}", (string id, string jid, HttpContext http, CancellationToken ct) => UpdateAsync(id, jid, http, deps, ct))
            .Accepts<UpdateGroupRequest>("application/json").Produces<GroupView>();

        v1.MapPost("/sessions/{id}/groups/{jid}/participants:{action}", (string id, string jid, string action, HttpContext http, CancellationToken ct) =>
            WithBodyAsync<ParticipantsRequest>(id, http, deps, (entry, body) =>
                !Actions.TryGetValue(action, out var change) ? Refuse("the action must be add, remove, promote or demote")
                : Participants(body.Participants, allowEmpty: false) is not { } members ? Refuse("participants must list 1 or more phone numbers in international form or user jids")
                : (new ChangeGroupParticipants(entry.ActorId, jid, change, members), null),
                reply => reply is GroupParticipantsChanged changed
                    ? Results.Ok(new ParticipantsResponse([.. changed.Participants.Select(p => new ParticipantResultView(p.Jid, p.Status))]))
                    : null, ct))
            .Accepts<ParticipantsRequest>("application/json").Produces<ParticipantsResponse>();

        v1.MapPost("/sessions/{id}/groups/{jid}:leave", (string id, string jid, HttpContext http, CancellationToken ct) =>
            AskAsync(id, http, deps, entry => new LeaveGroup(entry.ActorId, jid), reply => reply is GroupChanged ? Results.NoContent() : null, ct));

        v1.MapGet("/sessions/{id}/groups/{jid}/invite", (string id, string jid, HttpContext http, CancellationToken ct) =>
            AskAsync(id, http, deps, entry => new GetGroupInvite(entry.ActorId, jid), Invite, ct))
            .Produces<InviteView>();

        v1.MapPost("/sessions/{id}/groups/{jid}/invite:reset", (string id, string jid, HttpContext http, CancellationToken ct) =>
            AskAsync(id, http, deps, entry => new GetGroupInvite(entry.ActorId, jid, Reset: true), Invite, ct))
            .Produces<InviteView>();
    }

    /// <summary>The subject, then the description (each a command; the group as it is after both).</summary>
    private static async Task<IResult> UpdateAsync(string rawId, string jid, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync<UpdateGroupRequest>(http.Request, null, ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (body!.Subject is null && body.Description is null)
        {
            return EdgeProblems.InvalidRequest("name subject, description or both (an empty description removes it)");
        }

        List<IWithSessionId> commands = [];
        if (body.Subject is { } subject)
        {
            commands.Add(new SetGroupSubject(entry.ActorId, jid, subject));
        }

        if (body.Description is { } description)
        {
            commands.Add(new SetGroupDescription(entry.ActorId, jid, description.Length == 0 ? null : description));
        }

        foreach (var command in commands)
        {
            var reply = await deps.Sessions.AskAsync(command, ct).ConfigureAwait(false);
            if (reply is not GroupChanged)
            {
                return ReplyProblems.For(reply, entry.Id);
            }
        }

        var read = await deps.Sessions.AskAsync(new GetGroup(entry.ActorId, jid), ct).ConfigureAwait(false);
        return read is GroupReady ready ? Results.Ok(View(ready.Group)) : ReplyProblems.For(read, entry.Id);
    }

    private static async Task<IResult> AskAsync(string rawId, HttpContext http, EdgeDependencies deps, Func<SessionEntry, IWithSessionId> command, Func<Reply, IResult?> success, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var reply = await deps.Sessions.AskAsync(command(entry), ct).ConfigureAwait(false);
        return success(reply) ?? ReplyProblems.For(reply, entry.Id);
    }

    private static async Task<IResult> WithBodyAsync<TBody>(
        string rawId, HttpContext http, EdgeDependencies deps, Func<SessionEntry, TBody, (IWithSessionId? Command, IResult? Problem)> build, Func<Reply, IResult?> success, CancellationToken ct)
        where TBody : class
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync<TBody>(http.Request, null, ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        var (command, refused) = build(entry, body!);
        if (command is null)
        {
            return refused!;
        }

        var reply = await deps.Sessions.AskAsync(command, ct).ConfigureAwait(false);
        return success(reply) ?? ReplyProblems.For(reply, entry.Id);
    }

    private static (IWithSessionId? Command, IResult? Problem) Refuse(string detail) => (null, EdgeProblems.InvalidRequest(detail));

    private static IResult? Invite(Reply reply) => reply is GroupInvite invite ? Results.Ok(new InviteView(invite.Code, invite.Link)) : null;

    /// <summary>Each participant as a user jid (phone numbers become <c>digits@s.whatsapp.net</c>); null when one is neither.</summary>
    private static List<string>? Participants(IReadOnlyList<string>? participants, bool allowEmpty)
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
