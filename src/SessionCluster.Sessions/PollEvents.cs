using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>
/// A vote arrived on a poll (docs/PROTOCOL.md §9 "A vote"): the vote's own id and envelope as
/// <see cref="MessageReceivedBody"/> names them, and <paramref name="PollMessageId"/>, the poll it is for. When
/// <paramref name="Decrypted"/>, <paramref name="SelectedOptions"/> are the names chosen, in the poll's order (none: the
/// voter took the vote back) and <paramref name="UnknownOptions"/> counts chosen hashes that name none of the poll's
/// options. Otherwise <paramref name="Failure"/> says why the choice could not be read: <c>unknown_poll</c> (this
/// session knows no poll by that id, so no secret) or the <see cref="Protocol.Polls.PollVoteFailure"/> that failed.
/// A vote is never dropped silently: an unreadable one is this event too. The choice is never logged.
/// </summary>
public sealed record PollVoteReceivedBody(
    string MessageId,
    string Chat,
    string? ChatAlt,
    string Sender,
    string? SenderAlt,
    string SenderDevice,
    DateTimeOffset Timestamp,
    bool FromMe,
    bool Offline,
    string? PushName,
    string PollMessageId,
    bool Decrypted,
    IReadOnlyList<string> SelectedOptions,
    int UnknownOptions,
    string? Failure) : SessionEventBody
{
    /// <summary>The <see cref="Failure"/> of a vote on a poll this session does not know.</summary>
    public const string UnknownPoll = "unknown_poll";

    public override string ToString() =>
        $"PollVoteReceivedBody {{ MessageId = {MessageId}, Chat = {Chat}, PollMessageId = {PollMessageId}, Decrypted = {Decrypted}, Failure = {Failure} }}";

    internal PollVoteReceived ToProto() => new()
    {
        MessageId = MessageId,
        Chat = Chat,
        ChatAlt = ChatAlt ?? "",
        Sender = Sender,
        SenderAlt = SenderAlt ?? "",
        SenderDevice = SenderDevice,
        TimestampUnixS = Timestamp.ToUnixTimeSeconds(),
        FromMe = FromMe,
        Offline = Offline,
        PushName = PushName ?? "",
        PollMessageId = PollMessageId,
        Decrypted = Decrypted,
        SelectedOptions = { SelectedOptions },
        UnknownOptions = (uint)UnknownOptions,
        Failure = Failure ?? "",
    };

    internal static PollVoteReceivedBody FromProto(PollVoteReceived proto) => new(
        proto.MessageId,
        proto.Chat,
        MessageReceivedBody.NullIfEmpty(proto.ChatAlt),
        proto.Sender,
        MessageReceivedBody.NullIfEmpty(proto.SenderAlt),
        proto.SenderDevice,
        DateTimeOffset.FromUnixTimeSeconds(proto.TimestampUnixS),
        proto.FromMe,
        proto.Offline,
        MessageReceivedBody.NullIfEmpty(proto.PushName),
        proto.PollMessageId,
        proto.Decrypted,
        [.. proto.SelectedOptions],
        (int)proto.UnknownOptions,
        MessageReceivedBody.NullIfEmpty(proto.Failure));
}
