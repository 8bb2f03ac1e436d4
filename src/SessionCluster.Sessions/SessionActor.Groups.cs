using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Group management (<see cref="CreateGroup"/> and the others, docs/PROTOCOL.md §9): input checked first (nothing is
/// asked on a bad one), then one <c>w:g2</c> iq on the live connection, its answer or its error code mapped to a typed
/// reply. Nothing here is persisted: the group's state is the server's, and its changes reach the session as
/// notifications like any member's.
/// </summary>
public sealed partial class SessionActor
{
    private const string InviteLinkPrefix = "https://chat.whatsapp.com/";

    private void ReceiveGroups()
    {
        Command<CreateGroup>(command => OnGroupCommand(command.SessionId, () =>
        {
            var subject = CheckSubject(command.Subject);
            var participants = CheckParticipants(command.Participants, allowEmpty: true);
            return (id => GroupQueries.Create(id, subject, participants, MessageIdsNow()), result => new GroupReady(_id, GroupQueries.ReadGroup(result)));
        }));
        Command<GetGroup>(command => OnGroupCommand(command.SessionId, () =>
        {
            var group = CheckGroup(command.Group);
            return (id => GroupQueries.Query(id, group), result => new GroupReady(_id, GroupQueries.ReadGroup(result)));
        }));
        Command<ChangeGroupParticipants>(command => OnGroupCommand(command.SessionId, () =>
        {
            var group = CheckGroup(command.Group);
            var participants = CheckParticipants(command.Participants, allowEmpty: false);
            return (id => GroupQueries.ChangeParticipants(id, group, command.Action, participants), result =>
            {
                var changed = new GroupParticipantsChanged(_id, GroupQueries.ReadParticipants(result, command.Action));
                // Our own change brings no notification to this device: the member list is read again at the next send,
                // where a removal makes the sender-key actor start a new key.
                MembersChanged(group);
                return changed;
            });
        }));
        Command<SetGroupSubject>(command => OnGroupCommand(command.SessionId, () =>
        {
            var group = CheckGroup(command.Group);
            var subject = CheckSubject(command.Subject);
            return (id => GroupQueries.Subject(id, group, subject), _ => new GroupChanged(_id, group.ToString()));
        }));
        Command<LeaveGroup>(command => OnGroupCommand(command.SessionId, () =>
        {
            var group = CheckGroup(command.Group);
            return (id => GroupQueries.Leave(id, group), _ =>
            {
                MembersChanged(group);
                return new GroupChanged(_id, group.ToString());
            });
        }));
        Command<GetGroupInvite>(command => OnGroupCommand(command.SessionId, () =>
        {
            var group = CheckGroup(command.Group);
            return (id => GroupQueries.Invite(id, group, command.Reset), result =>
            {
                var code = GroupQueries.ReadInviteCode(result);
                return new GroupInvite(_id, code, InviteLinkPrefix + code);
            });
        }));
        Command<SetGroupDescription>(OnSetGroupDescription);
    }

    /// <summary>Checks, then asks: <paramref name="prepare"/> throws <see cref="GroupInputException"/> on bad input.</summary>
    private void OnGroupCommand(SessionId sessionId, Func<(Func<string, Node> Build, Func<Node, Reply> Read)> prepare)
    {
        _ = sessionId;
        if (GroupPrecondition() is { } refused)
        {
            Sender.Tell(refused);
            return;
        }

        (Func<string, Node> Build, Func<Node, Reply> Read) request;
        try
        {
            request = prepare();
        }
        catch (GroupInputException e)
        {
            Sender.Tell(new GroupRefused(_id, GroupRefusal.BadRequest, e.Message));
            return;
        }

        var replyTo = Sender;
        SendIq(request.Build, outcome => replyTo.Tell(GroupAnswer(outcome, request.Read)));
    }

    /// <summary>A description change names the current one as <c>prev</c>, so it reads the group first (two iqs).</summary>
    private void OnSetGroupDescription(SetGroupDescription command)
    {
        if (GroupPrecondition() is { } refused)
        {
            Sender.Tell(refused);
            return;
        }

        Jid group;
        try
        {
            group = CheckGroup(command.Group);
            if (command.Description is { Length: > MaxGroupDescriptionLength })
            {
                throw new GroupInputException($"the description must be at most {MaxGroupDescriptionLength} characters");
            }
        }
        catch (GroupInputException e)
        {
            Sender.Tell(new GroupRefused(_id, GroupRefusal.BadRequest, e.Message));
            return;
        }

        var replyTo = Sender;
        SendIq(id => GroupQueries.Query(id, group), outcome =>
        {
            if (GroupAnswer(outcome, result => new GroupReady(_id, GroupQueries.ReadGroup(result))) is not GroupReady current)
            {
                replyTo.Tell(GroupAnswer(outcome, _ => new GroupChanged(_id, group.ToString())));
                return;
            }

            var text = string.IsNullOrEmpty(command.Description) ? null : command.Description;
            var descriptionId = GroupQueries.NewDescriptionId(OwnUser, _dependencies.Clock.GetUtcNow());
            SendIq(id => GroupQueries.Description(id, group, descriptionId, current.Group.DescriptionId, text),
                set => replyTo.Tell(GroupAnswer(set, _ => new GroupChanged(_id, group.ToString()))));
        });
    }

    private GroupRefused? GroupPrecondition() =>
        !_exists ? null
        : NotOnline() is { } notOnline ? new GroupRefused(_id, notOnline.Reason switch
        {
            SendRefusal.Ended => GroupRefusal.Ended,
            SendRefusal.NotLinked => GroupRefusal.NotLinked,
            _ => GroupRefusal.NotConnected,
        }, notOnline.Detail)
        : null;

    private Reply GroupAnswer(IqOutcome outcome, Func<Node, Reply> read)
    {
        switch (outcome)
        {
            case IqAnswered answered when TryRead(() => read(answered.Result), out var reply):
                return reply;
            case IqRefused refused:
                CapabilitiesLog.GroupRefused(_logger, _id.Value, refused.Error.Code);
                return new GroupRefused(_id, refused.Error.Code switch
                {
                    404 => GroupRefusal.NotFound,
                    401 or 403 => GroupRefusal.Forbidden,
                    409 => GroupRefusal.Conflict,
                    400 => GroupRefusal.BadRequest,
                    _ => GroupRefusal.Refused,
                }, $"the server refused it: {refused.Error.Code} {refused.Error.Text}");
            default:
                MessagingLog.IqFailed(_logger, _id.Value, "w:g2", outcome.ToString());
                return new GroupRefused(_id, GroupRefusal.Unanswered, "the server did not answer: " + outcome.GetType().Name);
        }
    }

    private string MessageIdsNow() => Protocol.Messages.MessageIds.New(OwnUser, _dependencies.Clock.GetUtcNow());

    private static Jid CheckGroup(string group) =>
        Jid.TryParse(group, out var jid) && jid.IsGroup && jid.User.Length > 0 ? jid : throw new GroupInputException($"\"{group}\" is not a group jid (…@g.us)");

    private static string CheckSubject(string subject) =>
        string.IsNullOrWhiteSpace(subject) || subject.Length > MaxGroupSubjectLength
            ? throw new GroupInputException($"the subject must be 1 to {MaxGroupSubjectLength} characters")
            : subject;

    private static List<Jid> CheckParticipants(IReadOnlyList<string>? participants, bool allowEmpty)
    {
        participants ??= [];
        if ((!allowEmpty && participants.Count == 0) || participants.Count > MaxGroupParticipants)
        {
            throw new GroupInputException($"{(allowEmpty ? 0 : 1)} to {MaxGroupParticipants} participants, not {participants.Count}");
        }

        var jids = new List<Jid>(participants.Count);
        foreach (var participant in participants)
        {
            if (!Jid.TryParse(participant, out var jid) || !(jid.IsPhoneNumber || jid.IsLid) || jid.Device != 0)
            {
                throw new GroupInputException($"\"{participant}\" is not a user jid (number@s.whatsapp.net or id@lid)");
            }

            jids.Add(jid);
        }

        return [.. jids.Distinct()];
    }

    /// <summary>A group command's input is wrong; nothing was asked.</summary>
    private sealed class GroupInputException(string message) : Exception(message);
}
