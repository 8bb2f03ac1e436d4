namespace SessionCluster.Protocol.Signal;

/// <summary>
/// One Double Ratchet session with one peer device: libsignal-node's <c>SessionEntry</c>
/// (<c>session_record.js</c>), immutable. A step makes a shallow copy (<c>with</c>) that replaces only
/// what changed; the byte arrays it holds are never written after construction, so successive states
/// share them freely.
/// </summary>
/// <remarks>
/// libsignal-node keeps the sending chain in its chain map under our ratchet public key; here it is
/// two fields. Receiver chains are a small array (at most <see cref="MaxReceiverChains"/>, oldest first)
/// copied on write.
/// </remarks>
internal sealed record SessionState
{
    /// <summary>GLS keeps at most five receiver chains (libsignal-node keeps them all).</summary>
    public const int MaxReceiverChains = 5;

    /// <summary>The peer's identity key, raw 32 bytes.</summary>
    public required byte[] RemoteIdentityKey { get; init; }

    public required uint RemoteRegistrationId { get; init; }

    /// <summary>The X3DH ephemeral key that names this session (Alice's; ours when we initiated).</summary>
    public required byte[] BaseKey { get; init; }

    public required bool BaseKeyIsOurs { get; init; }

    public required byte[] RootKey { get; init; }

    public required byte[] SenderRatchetPrivateKey { get; init; }

    public required byte[] SenderRatchetPublicKey { get; init; }

    /// <summary>The peer ratchet key our current sending chain was computed against.</summary>
    public required byte[] LastRemoteRatchetKey { get; init; }

    /// <summary>Sent in every WhisperMessage: the last counter of our previous sending chain.</summary>
    public required uint PreviousCounter { get; init; }

    /// <summary>Null only for a responder before its first ratchet step, which happens in the same decrypt call.</summary>
    public required byte[]? SendingChainKey { get; init; }

    /// <summary>The counter the next outgoing message gets.</summary>
    public required uint SendingIndex { get; init; }

    public required ReceiverChain[] ReceiverChains { get; init; }

    /// <summary>Set on the initiator's session until a reply decrypts: until then every message is a PreKeyWhisperMessage.</summary>
    public required PendingPreKey? PendingPreKey { get; init; }

    /// <summary>0 while the session is current; the record's ordinal when it was archived (libsignal-node <c>indexInfo.closed</c>).</summary>
    public ulong CloseOrdinal { get; init; }

    /// <summary>The receiver chain for a peer ratchet key, searched newest first; −1 when there is none.</summary>
    public int FindReceiverChain(ReadOnlySpan<byte> ratchetKey)
    {
        for (var i = ReceiverChains.Length - 1; i >= 0; i--)
        {
            if (ratchetKey.SequenceEqual(ReceiverChains[i].RatchetKey))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A copy of the receiver chains with one replaced.</summary>
    public ReceiverChain[] ReplaceReceiverChain(int index, ReceiverChain chain)
    {
        // A plain copy: Array.Clone goes through the runtime's generic object clone, several times slower for five references.
        var chains = new ReceiverChain[ReceiverChains.Length];
        ReceiverChains.AsSpan().CopyTo(chains);
        chains[index] = chain;
        return chains;
    }

    /// <summary>Keys and chain keys are secrets: only the session's public names are shown.</summary>
    public override string ToString() =>
        $"SessionState(base key {Convert.ToHexStringLower(BaseKey)}, {(BaseKeyIsOurs ? "initiated by us" : "initiated by peer")}, {ReceiverChains.Length} receiver chains)";
}

/// <summary>A peer sending chain as we follow it: libsignal-node's chain of type RECEIVING.</summary>
internal sealed record ReceiverChain(byte[] RatchetKey, byte[]? ChainKey, uint NextIndex, SkippedMessageKeys Skipped)
{
    /// <summary>
    /// A closed chain (libsignal-node deletes <c>chainKey.key</c> once the peer has moved to a new ratchet
    /// key) keeps only the keys of messages that were still missing.
    /// </summary>
    public bool IsClosed => ChainKey is null;

    public override string ToString() =>
        $"ReceiverChain(ratchet key {Convert.ToHexStringLower(RatchetKey)}, next {NextIndex}, {Skipped.Count} skipped{(IsClosed ? ", closed" : string.Empty)})";
}

/// <summary>What an initiator names in its PreKeyWhisperMessages: the prekeys of the bundle it used.</summary>
internal sealed record PendingPreKey(uint? PreKeyId, uint SignedPreKeyId);
