using System.Collections.Immutable;
using System.Security.Cryptography;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// One sender key chain: its key id, where the chain stands, the key that signs its messages, and
/// the message keys of iterations it moved past. Immutable: every step makes a new state that shares
/// what did not change (signing keys, the skipped-key set) and carries its 32-byte chain key inline.
/// </summary>
internal sealed class SenderKeyState
{
    /// <summary>Message keys kept for skipped iterations; the lowest iterations go first.</summary>
    public const int MaxSkippedKeys = 2000;

    public static readonly ImmutableSortedSet<SkippedSenderKey> NoSkippedKeys = ImmutableSortedSet.Create<SkippedSenderKey>(SkippedSenderKeyOrder.Instance);

    private readonly SenderKeySecret _chainKey;

    // Never written after construction, never handed out as arrays: states of one chain share them safely.
    private readonly byte[] _signingPublicKey;
    private readonly byte[]? _signingPrivateKey;

    /// <param name="signingPublicKey">32 bytes, raw; kept, not copied.</param>
    /// <param name="signingPrivateKey">32 bytes for our own sending state, else null; kept, not copied.</param>
    public SenderKeyState(uint keyId, uint iteration, ReadOnlySpan<byte> chainKey, byte[] signingPublicKey, byte[]? signingPrivateKey, ImmutableSortedSet<SkippedSenderKey> skippedKeys)
    {
        KeyId = keyId;
        Iteration = iteration;
        _chainKey = SenderKeySecret.From(chainKey);
        _signingPublicKey = signingPublicKey;
        _signingPrivateKey = signingPrivateKey;
        SkippedKeys = skippedKeys;
    }

    public uint KeyId { get; }

    /// <summary>The iteration of <see cref="ChainKey"/>: the next message this chain encrypts or decrypts.</summary>
    public uint Iteration { get; }

    public ReadOnlySpan<byte> ChainKey => _chainKey;

    public ReadOnlySpan<byte> SigningPublicKey => _signingPublicKey;

    /// <summary>Our own sending state: we hold the signing private key.</summary>
    public bool IsOwn => _signingPrivateKey is not null;

    public ReadOnlySpan<byte> SigningPrivateKey => _signingPrivateKey ?? throw new InvalidOperationException("This sender key state was received; it has no signing private key.");

    /// <summary>Ascending by iteration, all below <see cref="Iteration"/>, at most <see cref="MaxSkippedKeys"/>.</summary>
    public ImmutableSortedSet<SkippedSenderKey> SkippedKeys { get; }

    /// <summary>A fresh own sending state: random chain key and signing key pair, iteration 0.</summary>
    public static SenderKeyState CreateOwn(uint keyId)
    {
        var signingKey = Crypto.Curve25519.GenerateKeyPair();
        Span<byte> chainKey = stackalloc byte[SenderKeySecret.Size];
        RandomNumberGenerator.Fill(chainKey);
        var state = new SenderKeyState(keyId, 0, chainKey, signingKey.PublicKey.ToArray(), signingKey.PrivateKey.ToArray(), NoSkippedKeys);
        CryptographicOperations.ZeroMemory(chainKey);
        return state;
    }

    public bool HasSigningKey(ReadOnlySpan<byte> signingPublicKey) => signingPublicKey.SequenceEqual(_signingPublicKey);

    /// <summary>The same chain at a later position.</summary>
    public SenderKeyState MovedTo(uint iteration, ReadOnlySpan<byte> chainKey, ImmutableSortedSet<SkippedSenderKey> skippedKeys) =>
        new(KeyId, iteration, chainKey, _signingPublicKey, _signingPrivateKey, skippedKeys);

    /// <summary>The same chain after a skipped key was used up.</summary>
    public SenderKeyState WithSkippedKeys(ImmutableSortedSet<SkippedSenderKey> skippedKeys) =>
        new(KeyId, Iteration, _chainKey, _signingPublicKey, _signingPrivateKey, skippedKeys);

    public override string ToString() => $"key {KeyId} at {Iteration}{(IsOwn ? " (own)" : string.Empty)}, {SkippedKeys.Count} skipped";
}
