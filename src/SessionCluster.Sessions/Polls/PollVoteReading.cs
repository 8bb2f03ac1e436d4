using SessionCluster.Protocol.Polls;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Polls;

/// <summary>What a received vote said: the names chosen, or why it could not be read.</summary>
internal sealed record PollVoteReading(bool Decrypted, IReadOnlyList<string> Selected, int Unknown, string? Failure)
{
    /// <summary>
    /// Opens <paramref name="vote"/> on <paramref name="poll"/> (null: an unknown poll). The vote is bound to the poll's
    /// creator and the voter by jid, and which form each side used (phone number or LID) is not on the wire: every pair
    /// of the known forms is tried, as whatsmeow retries with the other form (msgsecret.go decryptMsgSecret), and the
    /// GCM tag says which is right. The failure of the first pair is the one reported.
    /// </summary>
    public static PollVoteReading Read(KnownPoll? poll, PollUpdateMessage vote, IReadOnlyList<string> creators, IReadOnlyList<string> voters)
    {
        if (poll is null)
        {
            return new PollVoteReading(false, [], 0, PollVoteReceivedBody.UnknownPoll);
        }

        PollVoteException? first = null;
        foreach (var creator in creators.Distinct(StringComparer.Ordinal))
        {
            foreach (var voter in voters.Distinct(StringComparer.Ordinal))
            {
                try
                {
                    var selected = PollVotes.Decrypt(poll.Secret.Span, new PollVoteContext(poll.MessageId, creator, voter), vote.Vote ?? new PollEncValue());
                    var names = PollVotes.Names(selected, poll.Options, out var unknown);
                    return new PollVoteReading(true, names, unknown, null);
                }
                catch (PollVoteException e) when (e.Failure == PollVoteFailure.AuthenticationFailed)
                {
                    // Another pair of jid forms may be the one the voter used.
                    first ??= e;
                }
                catch (PollVoteException e)
                {
                    // Malformed whatever the jids: no other pair can help.
                    return new PollVoteReading(false, [], 0, e.Failure.ToString());
                }
            }
        }

        return new PollVoteReading(false, [], 0, (first?.Failure ?? PollVoteFailure.AuthenticationFailed).ToString());
    }
}
