using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>What the session asks a group's sender-key actor, and its answers (each names group, sender and message).</summary>
public static class GroupProtocol
{
    /// <summary>Take a sender key distribution message (SKDM) from <paramref name="Sender"/>. Answered <see cref="DistributionProcessed"/> or <see cref="GroupFailed"/>.</summary>
    public sealed record ProcessDistribution(string MessageId, Jid Sender, byte[] Distribution);

    /// <summary>Decrypt a <c>skmsg</c> of <paramref name="Sender"/>. Answered <see cref="GroupDecrypted"/> or <see cref="GroupFailed"/>.</summary>
    public sealed record DecryptGroupMessage(string MessageId, Jid Sender, byte[] Ciphertext);

    public sealed record DistributionProcessed(Jid Group, Jid Sender, string MessageId);

    public sealed record GroupDecrypted(Jid Group, Jid Sender, string MessageId, byte[] Plaintext)
    {
        public override string ToString() => $"GroupDecrypted({Group}, {Sender}, {MessageId}, {Plaintext.Length} bytes)";
    }

    /// <summary>Not processed or not decrypted; the sender's record is as it was.</summary>
    public sealed record GroupFailed(Jid Group, Jid Sender, string MessageId, DecryptFailure Failure, string Reason);

    /// <summary>The actor has been idle for its passivation time (to its parent).</summary>
    public sealed record GroupIdle(Jid Group);
}
