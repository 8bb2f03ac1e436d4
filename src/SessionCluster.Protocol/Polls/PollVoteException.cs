namespace SessionCluster.Protocol.Polls;

/// <summary>Why a poll vote could not be sealed or opened (docs/PROTOCOL.md §9 "A vote").</summary>
public enum PollVoteFailure
{
    /// <summary>The poll's messageSecret is not 32 bytes: not a secret a poll creation carries.</summary>
    BadSecret,

    /// <summary>The vote has no payload, a payload shorter than the GCM tag, or an IV that is not 12 bytes.</summary>
    MalformedVote,

    /// <summary>
    /// The GCM tag does not verify: the payload was tampered with, or the key or additional data differ (another poll's
    /// secret, or the poll's creator or the voter named by another jid than the sender used).
    /// </summary>
    AuthenticationFailed,

    /// <summary>The tag verifies but the plaintext is not a PollVoteMessage: a faulty sender.</summary>
    MalformedPlaintext,
}

/// <summary>A poll vote failed a check. It names the check; it never carries the secret, the key or the choice.</summary>
public sealed class PollVoteException(PollVoteFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<PollVoteFailure>(failure, message, inner);
