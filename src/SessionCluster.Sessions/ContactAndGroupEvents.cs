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

/// <summary>A contact's presence the session subscribed to: online, or offline with when last seen (null when hidden or unknown).</summary>
public sealed record PresenceUpdateBody(string Jid, bool Available, DateTimeOffset? LastSeen) : SessionEventBody
{
    internal PresenceUpdated ToProto() => new() { Jid = Jid, Available = Available, LastSeenUnixS = LastSeen?.ToUnixTimeSeconds() ?? 0 };

    internal static PresenceUpdateBody FromProto(PresenceUpdated proto) =>
        new(proto.Jid, proto.Available, proto.LastSeenUnixS > 0 ? DateTimeOffset.FromUnixTimeSeconds(proto.LastSeenUnixS) : null);
}

/// <summary>Someone is typing (<see cref="PresenceState.Composing"/>), recording or stopped in a chat (a group's names the member).</summary>
public sealed record ChatStateBody(string Chat, string Sender, PresenceState State) : SessionEventBody
{
    internal ChatStateChanged ToProto() => new() { Chat = Chat, Sender = Sender, State = State.ToString() };

    internal static ChatStateBody FromProto(ChatStateChanged proto) => new(proto.Chat, proto.Sender, Enum.Parse<PresenceState>(proto.State));
}

/// <summary>Someone called the session's account: the call's id, the caller, video or voice, and whether the session rejected it (the rejectCalls setting).</summary>
public sealed record CallOfferBody(string CallId, string From, bool Video, bool Rejected, DateTimeOffset At) : SessionEventBody
{
    internal CallOffered ToProto() => new() { CallId = CallId, From = From, Video = Video, Rejected = Rejected, AtUnixS = At.ToUnixTimeSeconds() };

    internal static CallOfferBody FromProto(CallOffered proto) => new(proto.CallId, proto.From, proto.Video, proto.Rejected, DateTimeOffset.FromUnixTimeSeconds(proto.AtUnixS));
}
