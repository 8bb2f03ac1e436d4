namespace SessionCluster.Sessions;

/// <summary>The session's poll commands.</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Votes on the poll <paramref name="PollMessageId"/> (one this session sent or received) for
    /// <paramref name="Options"/>, by name; none takes the session's vote back. The vote is sealed with the poll's
    /// secret (docs/PROTOCOL.md §9 "A vote") and sent to the poll's chat as any send is: answered
    /// <see cref="SendAccepted"/> with the vote's own id once durable, the same <paramref name="IdempotencyKey"/> again
    /// answered with the first id. Refused with <see cref="SendRefused"/>: <see cref="SendRefusal.UnknownPoll"/>,
    /// <see cref="SendRefusal.UnknownPollOption"/>, or any refusal of <see cref="Send"/>.
    /// </summary>
    public sealed record VotePoll(SessionId SessionId, string PollMessageId, IReadOnlyList<string> Options, string? IdempotencyKey = null) : IWithSessionId
    {
        public override string ToString() => $"VotePoll {{ SessionId = {SessionId}, PollMessageId = {PollMessageId}, IdempotencyKey = {IdempotencyKey} }}";
    }
}
