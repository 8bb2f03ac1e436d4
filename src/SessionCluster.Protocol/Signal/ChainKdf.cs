using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The symmetric chain step shared by 1:1 sessions and sender keys: from a 32-byte chain key,
/// the message key seed is HMAC-SHA256(chainKey, 0x01) and the next chain key is
/// HMAC-SHA256(chainKey, 0x02) (libsignal-node <c>session_cipher.js</c> fillMessageKeys;
/// GLS <c>keys/chain/ChainKey.go</c>). Both outputs are 32 bytes. This API is stable: the sender-key
/// engine calls it too.
/// </summary>
internal static class ChainKdf
{
    public const int KeySize = 32;

    private static ReadOnlySpan<byte> MessageKeySeedInput => [0x01];

    private static ReadOnlySpan<byte> ChainKeyInput => [0x02];

    /// <summary>
    /// Both outputs of one step: the message key seed and the next chain key, preparing the HMAC key
    /// once (about half the cost of calling <see cref="MessageKeySeed"/> and <see cref="NextChainKey"/>).
    /// </summary>
    public static void Step(ReadOnlySpan<byte> chainKey, Span<byte> seed, Span<byte> next)
    {
        RequireSizes(chainKey, seed);
        RequireSizes(chainKey, next);
        new HmacSha256Key(chainKey).ComputePair(MessageKeySeedInput, seed, ChainKeyInput, next);
    }

    /// <summary>next = HMAC-SHA256(chainKey, 0x02).</summary>
    public static void NextChainKey(ReadOnlySpan<byte> chainKey, Span<byte> next) => Compute(chainKey, ChainKeyInput, next);

    /// <summary>seed = HMAC-SHA256(chainKey, 0x01).</summary>
    public static void MessageKeySeed(ReadOnlySpan<byte> chainKey, Span<byte> seed) => Compute(chainKey, MessageKeySeedInput, seed);

    private static void Compute(ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> input, Span<byte> output)
    {
        RequireSizes(chainKey, output);
        HmacSha256.Compute(chainKey, input, output);
    }

    private static void RequireSizes(ReadOnlySpan<byte> chainKey, Span<byte> output)
    {
        if (chainKey.Length != KeySize)
        {
            throw new ArgumentException($"A chain key is {KeySize} bytes.", nameof(chainKey));
        }

        if (output.Length != KeySize)
        {
            throw new ArgumentException($"The output buffer must be {KeySize} bytes.", nameof(output));
        }
    }
}
