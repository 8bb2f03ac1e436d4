using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The Double Ratchet on one <see cref="SessionState"/>, following libsignal-node's
/// <c>session_cipher.js</c> (encrypt, doDecryptWhisperMessage, maybeStepRatchet, fillMessageKeys,
/// calculateRatchet) step for step. Pure: a state goes in, a new state comes out, and the input is
/// never written.
/// </summary>
/// <remarks>
/// <para>Chains count as libsignal does, from 0; we hold the <em>next</em> index (libsignal-node's
/// <c>chainKey.counter</c> + 1).</para>
/// <para>What an in-order message costs: one 32-byte chain key array, a shallow copy of the state and
/// (on receive) of the receiver chain and the ≤5-element chain array. Skipped keys, the ratchet step
/// and its fresh key pair are only touched when the message asks for them.</para>
/// </remarks>
[SkipLocalsInit]
internal static class DoubleRatchet
{
    /// <summary>
    /// libsignal-node refuses a message more than 2,000 past the last key its chain derived
    /// (<c>counter - chain.chainKey.counter &gt; 2000</c>), which bounds both the work and the
    /// keys stored for one message.
    /// </summary>
    public const int MaxForwardJump = 2000;

    private const int KeySize = RatchetKdf.KeySize;

    /// <summary>Encrypts on the sending chain: the message gets the chain's next counter.</summary>
    public static SessionState Encrypt(SessionState state, LocalIdentity ours, ReadOnlySpan<byte> plaintext, out byte[] whisperMessage)
    {
        var chainKey = state.SendingChainKey ?? throw new InvalidOperationException("The session has no sending chain yet.");
        if (state.SendingIndex == uint.MaxValue)
        {
            throw new InvalidOperationException("The sending chain is exhausted.");
        }

        Span<byte> seed = stackalloc byte[KeySize];
        Span<byte> keys = stackalloc byte[RatchetKdf.MessageKeysSize];
        var nextChainKey = new byte[KeySize];
        ChainKdf.Step(chainKey, seed, nextChainKey);
        RatchetKdf.MessageKeys(seed, keys, out var macKey);
        whisperMessage = WhisperMessage.Seal(
            state.SenderRatchetPublicKey,
            state.SendingIndex,
            state.PreviousCounter,
            keys,
            macKey,
            plaintext,
            ours.IdentityKey.PublicKey.Span,
            state.RemoteIdentityKey);
        CryptographicOperations.ZeroMemory(seed);
        CryptographicOperations.ZeroMemory(keys);
        return state with { SendingChainKey = nextChainKey, SendingIndex = state.SendingIndex + 1 };
    }

    /// <summary>
    /// Decrypts with this session, stepping the ratchet when the message names a new ratchet key.
    /// Any failure throws <see cref="SignalDecryptException"/>; the state passed in is never changed.
    /// A successful decrypt clears the pending prekey: the peer has answered.
    /// </summary>
    public static SessionState Decrypt(SessionState state, LocalIdentity ours, WhisperMessage message, out byte[] plaintext)
    {
        var chainIndex = state.FindReceiverChain(message.RatchetKey);
        if (chainIndex < 0)
        {
            if (state.SendingChainKey is not null && message.RatchetKey.AsSpan().SequenceEqual(state.SenderRatchetPublicKey))
            {
                // libsignal-node finds our own sending chain under this key: "Tried to decrypt on a sending chain".
                throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The message names our own sending ratchet key.");
            }

            state = StepRatchet(state, message.RatchetKey, message.PreviousCounter);
            chainIndex = state.ReceiverChains.Length - 1;
        }

        var chain = state.ReceiverChains[chainIndex];
        var counter = message.Counter;
        Span<byte> seed = stackalloc byte[KeySize];
        ReceiverChain advanced;
        if (counter < chain.NextIndex)
        {
            var skippedIndex = chain.Skipped.IndexOf(counter);
            if (skippedIndex < 0)
            {
                // libsignal-node: "Key used already or never filled".
                throw new SignalDecryptException(DecryptFailure.DuplicateMessage, $"The key for message {counter} of this chain was already used.");
            }

            chain.Skipped.SeedAt(skippedIndex).CopyTo(seed);
            advanced = chain with { Skipped = chain.Skipped.RemoveAt(skippedIndex) };
        }
        else
        {
            var chainKey = RequireReachable(chain, counter);
            Span<byte> keyAtCounter = stackalloc byte[KeySize];
            var skipped = chain.Skipped.AppendWalk(chainKey, chain.NextIndex, counter, keyAtCounter);
            var nextChainKey = new byte[KeySize];
            ChainKdf.Step(keyAtCounter, seed, nextChainKey);
            CryptographicOperations.ZeroMemory(keyAtCounter);
            advanced = new ReceiverChain(chain.RatchetKey, nextChainKey, counter + 1, skipped);
        }

        Span<byte> keys = stackalloc byte[RatchetKdf.MessageKeysSize];
        RatchetKdf.MessageKeys(seed, keys, out var macKey);
        CryptographicOperations.ZeroMemory(seed);
        try
        {
            plaintext = message.Open(keys, macKey, state.RemoteIdentityKey, ours.IdentityKey.PublicKey.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }

        return state with { ReceiverChains = state.ReplaceReceiverChain(chainIndex, advanced), PendingPreKey = null };
    }

    /// <summary>
    /// libsignal-node <c>maybeStepRatchet</c> for a ratchet key we have no chain for: (1) fill the
    /// chain of the previous remote ratchet key up to the sender's <paramref name="previousCounter"/>
    /// and close it; (2) root step with DH(our ratchet key, theirs) → new receiver chain; (3) our
    /// sending chain's last counter becomes previousCounter, and a fresh ratchet key with a second
    /// root step gives the new sending chain.
    /// </summary>
    private static SessionState StepRatchet(SessionState state, byte[] remoteRatchetKey, uint previousCounter)
    {
        var chains = state.ReceiverChains;
        var previousIndex = state.FindReceiverChain(state.LastRemoteRatchetKey);
        ReceiverChain? closedPrevious = null;
        if (previousIndex >= 0)
        {
            var previous = chains[previousIndex];
            var skipped = previous.Skipped;
            var nextIndex = previous.NextIndex;
            if (previousCounter >= previous.NextIndex)
            {
                var chainKey = RequireReachable(previous, previousCounter);
                Span<byte> unused = stackalloc byte[KeySize];
                skipped = skipped.AppendWalk(chainKey, previous.NextIndex, previousCounter + 1, unused);
                CryptographicOperations.ZeroMemory(unused);
                nextIndex = previousCounter + 1;
            }

            closedPrevious = new ReceiverChain(previous.RatchetKey, null, nextIndex, skipped);
        }

        var receiverRoot = new byte[KeySize];
        var receiverChainKey = new byte[KeySize];
        var sendingRoot = new byte[KeySize];
        var sendingChainKey = new byte[KeySize];
        var ratchetKey = Curve25519.GenerateKeyPair();
        Span<byte> agreement = stackalloc byte[KeySize];
        try
        {
            RatchetKdf.Agree(state.SenderRatchetPrivateKey, remoteRatchetKey, agreement);
            RatchetKdf.RootStep(state.RootKey, agreement, receiverRoot, receiverChainKey);
            RatchetKdf.Agree(ratchetKey.PrivateKey.Span, remoteRatchetKey, agreement);
            RatchetKdf.RootStep(receiverRoot, agreement, sendingRoot, sendingChainKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(agreement);
        }

        var newChain = new ReceiverChain(remoteRatchetKey, receiverChainKey, 0, SkippedMessageKeys.Empty);
        var dropOldest = chains.Length >= SessionState.MaxReceiverChains ? 1 : 0;
        var newChains = new ReceiverChain[chains.Length - dropOldest + 1];
        chains.AsSpan(dropOldest).CopyTo(newChains);
        if (closedPrevious is not null && previousIndex >= dropOldest)
        {
            newChains[previousIndex - dropOldest] = closedPrevious;
        }

        newChains[^1] = newChain;

        // libsignal-node: previousCounter = the old sending chain's chainKey.counter, the last counter
        // it used. A responder's first step has no sending chain and keeps 0. A chain that sent nothing
        // would give −1 there; no honest peer sequence reaches that, and we write 0 rather than 2^32 − 1.
        var newPreviousCounter = state.SendingChainKey is null
            ? state.PreviousCounter
            : state.SendingIndex == 0 ? 0 : state.SendingIndex - 1;
        return state with
        {
            RootKey = sendingRoot,
            SenderRatchetPrivateKey = ratchetKey.PrivateKey.ToArray(),
            SenderRatchetPublicKey = ratchetKey.PublicKey.ToArray(),
            LastRemoteRatchetKey = remoteRatchetKey,
            PreviousCounter = newPreviousCounter,
            SendingChainKey = sendingChainKey,
            SendingIndex = 0,
            ReceiverChains = newChains,
        };
    }

    /// <summary>
    /// libsignal-node <c>fillMessageKeys</c> checks, in its order: not more than 2,000 past the chain's
    /// last derived key, and the chain not closed. Returns the chain key to walk from.
    /// </summary>
    private static byte[] RequireReachable(ReceiverChain chain, uint counter)
    {
        if ((long)counter - ((long)chain.NextIndex - 1) > MaxForwardJump)
        {
            throw new SignalDecryptException(DecryptFailure.TooFarInFuture, $"Message {counter} is more than {MaxForwardJump} past this chain's last key ({(long)chain.NextIndex - 1}).");
        }

        if (counter == uint.MaxValue)
        {
            // The chain's next index would wrap to 0.
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "A counter of 2^32 − 1 ends the chain.");
        }

        return chain.ChainKey
            ?? throw new SignalDecryptException(DecryptFailure.InvalidMessage, $"Message {counter} belongs to a closed chain past its last message.");
    }
}
