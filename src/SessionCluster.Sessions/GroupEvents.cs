using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>What happened to a group (the child of a <c>w:gp2</c> notification).</summary>
public enum GroupChange
{
    Created,
    Added,
    Removed,
    Left,
    Promoted,
    Demoted,
    Subject,
    Description,
    DescriptionRemoved,
}

/// <summary>
/// A group the session is in changed, as the server told its members (docs/PROTOCOL.md §9, <c>w:gp2</c>):
/// <paramref name="Participants"/> are the members an add, remove, leave, promote or demote named (LIDs in LID-mode groups);
/// <paramref name="By"/> who did it; <paramref name="Subject"/> and <paramref name="Description"/> the new text when that changed.
/// </summary>
public sealed record GroupChangedBody(
    string Group, GroupChange Change, IReadOnlyList<string> Participants, string? By, string? Subject, string? Description, DateTimeOffset At) : SessionEventBody
{
    internal GroupChangedRecord ToProto()
    {
        var record = new GroupChangedRecord
        {
            Group = Group, Change = Change.ToString(), By = By ?? "", Subject = Subject ?? "", Description = Description ?? "", AtUnixS = At.ToUnixTimeSeconds(),
        };
        record.Participants.AddRange(Participants);
        return record;
    }

    internal static GroupChangedBody FromProto(GroupChangedRecord proto) => new(
        proto.Group, Enum.Parse<GroupChange>(proto.Change), [.. proto.Participants], MessageReceivedBody.NullIfEmpty(proto.By),
        MessageReceivedBody.NullIfEmpty(proto.Subject), MessageReceivedBody.NullIfEmpty(proto.Description), DateTimeOffset.FromUnixTimeSeconds(proto.AtUnixS));
}
