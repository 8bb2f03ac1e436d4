using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SessionCluster.Edge.Groups;
using SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Groups</c>: group management through <see cref="GroupCalls"/>, what REST's group routes call
/// too: the same checks, commands and problem codes.
/// </summary>
internal sealed class GroupsService(EdgeDependencies deps) : V1.Groups.GroupsBase
{
    public override async Task<Group> Create(CreateGroupRequest request, ServerCallContext context) =>
        ToMessage(await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => GroupCalls.CreateAsync(entry, request.Subject, [.. request.Participants], deps, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<Group> Get(GetGroupRequest request, ServerCallContext context) =>
        ToMessage(await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => GroupCalls.GetAsync(entry, request.Jid, deps, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<Group> Update(UpdateGroupRequest request, ServerCallContext context) =>
        ToMessage(await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => GroupCalls.UpdateAsync(
            entry, request.Jid, request.HasSubject ? request.Subject : null, request.HasDescription ? request.Description : null, deps, context.CancellationToken)).ConfigureAwait(false));

    public override async Task<ChangeParticipantsResponse> ChangeParticipants(ChangeParticipantsRequest request, ServerCallContext context)
    {
        var changed = await GrpcSessionCall.AnswerAsync(context, request.Session, deps,
            entry => GroupCalls.ChangeParticipantsAsync(entry, request.Jid, request.Action, [.. request.Participants], deps, context.CancellationToken)).ConfigureAwait(false);
        return new ChangeParticipantsResponse { Participants = { changed.Participants.Select(p => new ParticipantResult { Jid = p.Jid, Status = p.Status }) } };
    }

    public override async Task<LeaveGroupResponse> Leave(LeaveGroupRequest request, ServerCallContext context)
    {
        await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => GroupCalls.LeaveAsync(entry, request.Jid, deps, context.CancellationToken)).ConfigureAwait(false);
        return new LeaveGroupResponse();
    }

    public override async Task<GroupInvite> GetInvite(GetInviteRequest request, ServerCallContext context)
    {
        var invite = await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => GroupCalls.InviteAsync(entry, request.Jid, request.Reset, deps, context.CancellationToken)).ConfigureAwait(false);
        return new GroupInvite { Code = invite.Code, Link = invite.Link };
    }

    private static Group ToMessage(GroupCalls.GroupView view)
    {
        var group = new Group { Jid = view.Jid, Subject = view.Subject, AddressingMode = view.AddressingMode };
        if (view.SubjectOwner is { } owner)
        {
            group.SubjectOwner = owner;
        }

        if (view.SubjectAt is { } subjectAt)
        {
            group.SubjectAt = Timestamp.FromDateTimeOffset(subjectAt);
        }

        if (view.Description is { } description)
        {
            group.Description = description;
        }

        if (view.CreatedAt is { } createdAt)
        {
            group.CreatedAt = Timestamp.FromDateTimeOffset(createdAt);
        }

        if (view.Creator is { } creator)
        {
            group.Creator = creator;
        }

        foreach (var member in view.Participants)
        {
            var item = new GroupMember { Jid = member.Jid, Role = member.Role };
            if (member.Phone is { } phone)
            {
                item.Phone = phone;
            }

            group.Participants.Add(item);
        }

        return group;
    }
}
