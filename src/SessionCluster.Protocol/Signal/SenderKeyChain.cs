using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The sender-key symmetric ratchet and payload cipher (docs/PROTOCOL.md §11):
/// seed = HMAC-SHA256(chainKey, 0x01), next chainKey = HMAC-SHA256(chainKey, 0x02) (the step 1:1
/// sessions share, <see cref="ChainKdf"/>), then
/// HKDF-SHA256(zero salt, seed, "WhisperGroup", 48) = iv 16 || cipherKey 32, AES-256-CBC with PKCS7.
/// </summary>
internal static class SenderKeyChain
{
    /// <summary>iv 16 || cipherKey 32.</summary>
    public const int MessageKeySize = 48;

    public const int IvSize = 16;

    private const int BlockSize = 16;

    private static ReadOnlySpan<byte> MessageKeyInfo => "WhisperGroup"u8;

    /// <summary>The chain key of the next iteration. <paramref name="next"/> must not overlap <paramref name="chainKey"/>.</summary>
    public static void NextChainKey(ReadOnlySpan<byte> chainKey, Span<byte> next) => ChainKdf.NextChainKey(chainKey, next);

    /// <summary>The message-key seed of the chain key's own iteration.</summary>
    public static void MessageKeySeed(ReadOnlySpan<byte> chainKey, Span<byte> seed) => ChainKdf.MessageKeySeed(chainKey, seed);

    /// <summary>Expands a message-key seed into iv 16 || cipherKey 32.</summary>
    public static void MessageKey(ReadOnlySpan<byte> seed, Span<byte> messageKey) => Hkdf.DeriveSha256(seed, default, MessageKeyInfo, messageKey);

    /// <summary>AES-CBC with PKCS7 always adds 1 to 16 bytes of padding.</summary>
    public static int CiphertextLength(int plaintextLength) => checked(((plaintextLength / BlockSize) + 1) * BlockSize);

    /// <summary>Encrypts into exactly <see cref="CiphertextLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void Encrypt(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        using var aes = Aes.Create();
        aes.SetKey(messageKey[IvSize..]);
        aes.EncryptCbc(plaintext, messageKey[..IvSize], destination, PaddingMode.PKCS7);
    }

    /// <summary>Decrypts; a <see cref="CryptographicException"/> means bad padding or a length that is not whole blocks.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.IsEmpty || ciphertext.Length % BlockSize != 0)
        {
            throw new CryptographicException("The ciphertext is not a whole number of AES blocks.");
        }

        using var aes = Aes.Create();
        aes.SetKey(messageKey[IvSize..]);
        return aes.DecryptCbc(ciphertext, messageKey[..IvSize], PaddingMode.PKCS7);
    }
}
