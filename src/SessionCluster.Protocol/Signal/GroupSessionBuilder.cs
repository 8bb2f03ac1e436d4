using System.Security.Cryptography;

namespace SessionCluster.Protocol.Signal;

/// <summary>A record with a sending state, and the SenderKeyDistributionMessage to send to every member device.</summary>
public sealed record SenderKeyDistribution(SenderKeyRecord Record, byte[] DistributionMessage);

/// <summary>
/// Sets up sender key states: our own, from which we distribute, and other devices', from the
/// distribution messages they send us over pairwise sessions.
/// </summary>
public static class GroupSessionBuilder
{
    /// <summary>
    /// The distribution message for our own sending state in <paramref name="record"/> (our record for
    /// this group). If the newest state is not our own, a new one is made first: random 31-bit key id,
    /// random chain key, fresh signing key pair, iteration 0. An existing state is distributed as it
    /// stands, at its current iteration. To change keys (say, after a member left), start from
    /// <see cref="SenderKeyRecord.Empty"/>.
    /// </summary>
    public static SenderKeyDistribution CreateDistribution(SenderKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var state = record.Newest;
        if (state is not { IsOwn: true })
        {
            state = SenderKeyState.CreateOwn((uint)RandomNumberGenerator.GetInt32(int.MaxValue));
            record = record.WithNewest(state);
        }

        return new SenderKeyDistribution(record, SenderKeyDistributionMessage.Serialize(state.KeyId, state.Iteration, state.ChainKey, state.SigningPublicKey));
    }

    /// <summary>
    /// Takes a sender's distribution message into that sender's record. A new key id becomes the newest
    /// state (the oldest of more than five goes). A key id we hold with a different signing key is
    /// replaced. A key id we hold with the same signing key keeps its chain, so a replayed or older
    /// distribution cannot rewind it to reopen used message keys; it only moves forward when the
    /// distribution is further ahead than a message could take it (2,000 iterations).
    /// </summary>
    /// <exception cref="SignalDecryptException">InvalidMessage or UnsupportedVersion; the record is unchanged.</exception>
    public static SenderKeyRecord ProcessDistribution(SenderKeyRecord record, ReadOnlySpan<byte> distributionMessage)
    {
        ArgumentNullException.ThrowIfNull(record);
        var distribution = SenderKeyDistributionMessage.Parse(distributionMessage);
        var index = record.IndexOf(distribution.KeyId);
        if (index >= 0)
        {
            var existing = record.States[index];
            if (existing.HasSigningKey(distribution.SigningPublicKey))
            {
                if (!existing.IsOwn && distribution.Iteration > existing.Iteration && distribution.Iteration - existing.Iteration > GroupCipher.MaxForwardJump)
                {
                    existing = existing.MovedTo(distribution.Iteration, distribution.ChainKey, existing.SkippedKeys);
                }

                return record.WithNewest(existing);
            }
        }

        var state = new SenderKeyState(distribution.KeyId, distribution.Iteration, distribution.ChainKey, distribution.SigningPublicKey, null, SenderKeyState.NoSkippedKeys);
        return record.WithNewest(state);
    }
}
