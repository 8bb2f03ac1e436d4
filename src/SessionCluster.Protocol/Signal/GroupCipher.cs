using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

public sealed record GroupEncryptResult(SenderKeyRecord Record, byte[] Ciphertext);

public sealed record GroupDecryptResult(SenderKeyRecord Record, byte[] Plaintext);

/// <summary>
/// Encrypts and decrypts group messages (<c>skmsg</c>) with sender keys. Pure functions: a record in,
/// a new record out; the record passed in is never changed, also when decryption fails.
/// </summary>
/// <remarks>
/// Per message, the new record is a new array of at most five state references and one new state
/// object holding the next 32-byte chain key inline; the signing keys and the skipped-key set are
/// shared with the previous state. Only a gap in iterations (adds skipped keys) or a late message
/// (uses one up) changes the skipped-key set, an immutable AVL tree, so that costs O(log n) nodes
/// per key. Decryption verifies the signature before it derives or stores anything.
/// </remarks>
public static class GroupCipher
{
    /// <summary>How far ahead of its chain a message may be: the keys in between are derived and kept.</summary>
    public const int MaxForwardJump = 2000;

    private const int StackSeedBytes = 8 * SenderKeySecret.Size;

    /// <summary>Encrypts with our own sending state (the record's newest state) and moves its chain one step (0, 1, 2, …).</summary>
    /// <exception cref="InvalidOperationException">The record has no own sending state (see <see cref="GroupSessionBuilder.CreateDistribution"/>), or its chain is exhausted.</exception>
    public static GroupEncryptResult Encrypt(SenderKeyRecord record, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(record);
        var state = record.Newest ?? throw new InvalidOperationException("The sender key record is empty; create a distribution first.");
        if (!state.IsOwn)
        {
            throw new InvalidOperationException("The newest sender key state was received from another device; only our own state (with its signing private key) can encrypt.");
        }

        if (state.Iteration == uint.MaxValue)
        {
            throw new InvalidOperationException("The sender key chain is exhausted; distribute a new key from an empty record.");
        }

        Span<byte> seed = stackalloc byte[SenderKeySecret.Size];
        Span<byte> messageKey = stackalloc byte[SenderKeyChain.MessageKeySize];
        Span<byte> nextChainKey = stackalloc byte[SenderKeySecret.Size];
        try
        {
            SenderKeyChain.MessageKeySeed(state.ChainKey, seed);
            SenderKeyChain.MessageKey(seed, messageKey);
            var ciphertext = SenderKeyMessage.Create(state.KeyId, state.Iteration, messageKey, plaintext, state.SigningPrivateKey);
            SenderKeyChain.NextChainKey(state.ChainKey, nextChainKey);
            var next = state.MovedTo(state.Iteration + 1, nextChainKey, state.SkippedKeys);
            return new GroupEncryptResult(record.WithStateAt(0, next), ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(messageKey);
            CryptographicOperations.ZeroMemory(nextChainKey);
        }
    }

    /// <summary>Verifies and decrypts a SenderKeyMessage from the device this record belongs to.</summary>
    /// <exception cref="SignalDecryptException">
    /// InvalidMessage / UnsupportedVersion (does not parse), NoSession (unknown key id), InvalidMac (bad
    /// signature, or the ciphertext does not decrypt), DuplicateMessage (iteration already used or its key
    /// discarded), TooFarInFuture (more than <see cref="MaxForwardJump"/> ahead). The record is unchanged.
    /// </exception>
    public static GroupDecryptResult Decrypt(SenderKeyRecord record, ReadOnlySpan<byte> senderKeyMessage)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = SenderKeyMessage.Parse(senderKeyMessage);
        var index = record.IndexOf(message.KeyId);
        if (index < 0)
        {
            throw new SignalDecryptException(DecryptFailure.NoSession, $"no sender key state for key id {message.KeyId}");
        }

        var state = record.States[index];
        if (!XEdDsa.Verify(state.SigningPublicKey, message.Signed, message.Signature))
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMac, $"the signature of the message for key id {message.KeyId} does not verify");
        }

        var next = message.Iteration < state.Iteration
            ? DecryptLate(state, message, out var plaintext)
            : DecryptCurrent(state, message, out plaintext);
        return new GroupDecryptResult(record.WithStateAt(index, next), plaintext);
    }

    /// <summary>A message behind the chain: only a kept skipped key can open it, and is used up.</summary>
    private static SenderKeyState DecryptLate(SenderKeyState state, SenderKeyMessage.Parsed message, out byte[] plaintext)
    {
        if (!state.SkippedKeys.TryGetValue(SkippedSenderKey.Probe(message.Iteration), out var skipped))
        {
            throw new SignalDecryptException(DecryptFailure.DuplicateMessage, $"iteration {message.Iteration} of key id {message.KeyId} was already decrypted or its key discarded (chain at {state.Iteration})");
        }

        Span<byte> messageKey = stackalloc byte[SenderKeyChain.MessageKeySize];
        try
        {
            SenderKeyChain.MessageKey(skipped.Seed, messageKey);
            plaintext = DecryptPayload(messageKey, message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }

        return state.WithSkippedKeys(state.SkippedKeys.Remove(skipped));
    }

    /// <summary>A message at or ahead of the chain: step the chain to it, keeping the seeds of the iterations passed over.</summary>
    private static SenderKeyState DecryptCurrent(SenderKeyState state, SenderKeyMessage.Parsed message, out byte[] plaintext)
    {
        var gap = message.Iteration - state.Iteration;
        if (gap > MaxForwardJump)
        {
            throw new SignalDecryptException(DecryptFailure.TooFarInFuture, $"iteration {message.Iteration} of key id {message.KeyId} is {gap} ahead of its chain; at most {MaxForwardJump} are allowed");
        }

        if (message.Iteration == uint.MaxValue)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "iteration 2^32-1 would exhaust the chain");
        }

        // Of the skipped seeds only the newest MaxSkippedKeys can survive; the rest are not kept at all.
        var kept = (int)Math.Min(gap, SenderKeyState.MaxSkippedKeys);
        var seedBytes = kept * SenderKeySecret.Size;
        byte[]? rented = seedBytes > StackSeedBytes ? ArrayPool<byte>.Shared.Rent(seedBytes) : null;
        Span<byte> seeds = rented is null ? stackalloc byte[StackSeedBytes] : rented;
        seeds = seeds[..seedBytes];
        Span<byte> chainKey = stackalloc byte[SenderKeySecret.Size];
        Span<byte> scratch = stackalloc byte[SenderKeySecret.Size];
        Span<byte> messageKey = stackalloc byte[SenderKeyChain.MessageKeySize];
        try
        {
            state.ChainKey.CopyTo(chainKey);
            var firstKept = gap - (uint)kept;
            for (var step = 0u; step < gap; step++)
            {
                if (step >= firstKept)
                {
                    SenderKeyChain.MessageKeySeed(chainKey, seeds.Slice((int)(step - firstKept) * SenderKeySecret.Size, SenderKeySecret.Size));
                }

                SenderKeyChain.NextChainKey(chainKey, scratch);
                scratch.CopyTo(chainKey);
            }

            SenderKeyChain.MessageKeySeed(chainKey, scratch);
            SenderKeyChain.MessageKey(scratch, messageKey);
            plaintext = DecryptPayload(messageKey, message);

            SenderKeyChain.NextChainKey(chainKey, scratch);
            var skippedKeys = kept == 0 ? state.SkippedKeys : WithSkipped(state.SkippedKeys, state.Iteration + firstKept, seeds);
            return state.MovedTo(message.Iteration + 1, scratch, skippedKeys);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seeds);
            CryptographicOperations.ZeroMemory(chainKey);
            CryptographicOperations.ZeroMemory(scratch);
            CryptographicOperations.ZeroMemory(messageKey);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Adds consecutive seeds from <paramref name="firstIteration"/>, then drops the lowest iterations past the limit.</summary>
    private static ImmutableSortedSet<SkippedSenderKey> WithSkipped(ImmutableSortedSet<SkippedSenderKey> skippedKeys, uint firstIteration, ReadOnlySpan<byte> seeds)
    {
        var count = seeds.Length / SenderKeySecret.Size;
        var builder = (count == SenderKeyState.MaxSkippedKeys ? SenderKeyState.NoSkippedKeys : skippedKeys).ToBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Add(new SkippedSenderKey(firstIteration + (uint)i, seeds.Slice(i * SenderKeySecret.Size, SenderKeySecret.Size)));
        }

        while (builder.Count > SenderKeyState.MaxSkippedKeys)
        {
            builder.Remove(builder.Min);
        }

        return builder.ToImmutable();
    }

    private static byte[] DecryptPayload(ReadOnlySpan<byte> messageKey, SenderKeyMessage.Parsed message)
    {
        try
        {
            return SenderKeyChain.Decrypt(messageKey, message.Ciphertext);
        }
        catch (CryptographicException e)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMac, $"the ciphertext of iteration {message.Iteration} of key id {message.KeyId} does not decrypt", e);
        }
    }
}
