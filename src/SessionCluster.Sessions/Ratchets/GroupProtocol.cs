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

    /// <summary>
    /// Encrypt <paramref name="Plaintext"/> (padded) with our own sender key, made first when there is none or when a
    /// device that holds it is not among <paramref name="Devices"/> (a member left or was removed: a new key nobody
    /// outside the group now holds; decided from the durable record of who holds it, so a restart cannot skip it). The
    /// advanced key is durable before the answer, <see cref="OwnEncrypted"/>; of <paramref name="Devices"/>, it names
    /// those that do not hold the key yet. With <paramref name="Broadcast"/> (a status, docs/PROTOCOL.md §9 "Status") the
    /// audience is exactly <paramref name="Devices"/>: all of them are named as needing the SKDM (the server delivers a
    /// status only to the devices named in its <c>&lt;participants&gt;</c>, each with an enc).
    /// </summary>
    public sealed record EncryptOwn(string MessageId, byte[] Plaintext, IReadOnlyList<Jid> Devices, bool Broadcast = false);

    /// <summary>The skmsg, the distribution message (SKDM) of the key it used, and the devices that still need that SKDM.</summary>
    public sealed record OwnEncrypted(Jid Group, string MessageId, byte[] Skmsg, byte[] Distribution, uint KeyId, IReadOnlyList<Jid> NeedDistribution)
    {
        public override string ToString() => $"OwnEncrypted({Group}, {MessageId}, key {KeyId}, {NeedDistribution.Count} need the SKDM)";
    }

    /// <summary>These devices now hold our key <paramref name="KeyId"/> (the stanza with their SKDM was acked). Not answered.</summary>
    public sealed record MarkShared(uint KeyId, IReadOnlyList<Jid> Devices);

    /// <summary>
    /// A member device asked again for our message <paramref name="MessageId"/> (a retry receipt), which used our key
    /// <paramref name="KeyId"/>: that key's distribution (SKDM) for it, when the key is still our current one. The device
    /// is durably recorded as holding the key before the answer, <see cref="OwnShare"/> (so a removal of its member still
    /// starts a new key). The key itself is not advanced.
    /// </summary>
    public sealed record ShareOwn(string MessageId, uint KeyId, Jid Device);

    /// <summary>The SKDM for <paramref name="Device"/>, or null when our key changed since the message (the next send distributes the new one to the members then).</summary>
    public sealed record OwnShare(Jid Group, string MessageId, Jid Device, byte[]? Distribution)
    {
        public override string ToString() => $"OwnShare({Group}, {MessageId}, {Device}, {(Distribution is null ? "key changed" : "SKDM")})";
    }

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
