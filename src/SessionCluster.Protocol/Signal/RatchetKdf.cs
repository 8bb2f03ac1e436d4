using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The HKDF steps of a 1:1 session (libsignal-node <c>crypto.js</c> deriveSecrets, used by
/// <c>session_builder.js</c> and <c>session_cipher.js</c>). deriveSecrets returns up to three 32-byte
/// HKDF-SHA256 output blocks, so its results are prefixes of one HKDF expansion.
/// </summary>
[SkipLocalsInit]
internal static class RatchetKdf
{
    public const int KeySize = 32;

    /// <summary>cipherKey 32 | macKey 32 | iv 16.</summary>
    public const int MessageKeysSize = 80;

    private static ReadOnlySpan<byte> WhisperText => "WhisperText"u8;

    private static ReadOnlySpan<byte> WhisperRatchet => "WhisperRatchet"u8;

    private static ReadOnlySpan<byte> WhisperMessageKeys => "WhisperMessageKeys"u8;

    /// <summary>HKDF's extract key for a salt of 32 zero bytes (the same HMAC key as an empty one).</summary>
    private static readonly HmacSha256Key ZeroSalt = new(new byte[KeySize]);

    /// <summary>X3DH: HKDF(salt = 32 zero bytes, secret, "WhisperText") → root key. (The chain key half is unused: the first ratchet step replaces it.)</summary>
    public static void DeriveInitialRootKey(ReadOnlySpan<byte> sharedSecret, Span<byte> rootKey)
    {
        Span<byte> output = stackalloc byte[2 * KeySize];
        Span<byte> zeroSalt = stackalloc byte[KeySize];
        zeroSalt.Clear();
        Hkdf.DeriveSha256(sharedSecret, zeroSalt, WhisperText, output);
        output[..KeySize].CopyTo(rootKey);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>Root step: HKDF(salt = rootKey, DH output, "WhisperRatchet") → new root key || chain key.</summary>
    public static void RootStep(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> agreement, Span<byte> newRootKey, Span<byte> chainKey)
    {
        Span<byte> output = stackalloc byte[2 * KeySize];
        Hkdf.DeriveSha256(agreement, rootKey, WhisperRatchet, output);
        output[..KeySize].CopyTo(newRootKey);
        output[KeySize..].CopyTo(chainKey);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>Message keys from a seed: HKDF(salt = 32 zero bytes, seed, "WhisperMessageKeys", 80).</summary>
    public static void MessageKeys(ReadOnlySpan<byte> seed, Span<byte> keys)
    {
        Span<byte> zeroSalt = stackalloc byte[KeySize];
        zeroSalt.Clear();
        Hkdf.DeriveSha256(seed, zeroSalt, WhisperMessageKeys, keys[..MessageKeysSize]);
    }

    /// <summary>
    /// <see cref="MessageKeys(ReadOnlySpan{byte}, Span{byte})"/>, plus the MAC key (bytes 32–63) already
    /// prepared for HMAC. The same bytes as <see cref="Hkdf.DeriveSha256(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>:
    /// T1 ‖ T2 ‖ T3[..16] with T(i) = HMAC(PRK, T(i−1) ‖ info ‖ i), PRK = HMAC(32 zero bytes, seed). The MAC
    /// key's preparation depends on T2 only, so it runs just before T3 and the CPU overlaps the two.
    /// </summary>
    public static void MessageKeys(ReadOnlySpan<byte> seed, Span<byte> keys, out HmacSha256Key macKey)
    {
        if (keys.Length < MessageKeysSize)
        {
            throw new ArgumentException($"The message keys need {MessageKeysSize} bytes.", nameof(keys));
        }

        const int InfoLength = 18;
        Span<byte> block = stackalloc byte[KeySize + InfoLength + 1];
        ZeroSalt.Compute(seed, block);
        var prk = new HmacSha256Key(block[..KeySize]);
        WhisperMessageKeys.CopyTo(block);
        block[InfoLength] = 1;
        var t1 = keys[..KeySize];
        prk.Compute(block[..(InfoLength + 1)], t1);
        t1.CopyTo(block);
        WhisperMessageKeys.CopyTo(block[KeySize..]);
        block[^1] = 2;
        var t2 = keys.Slice(KeySize, KeySize);
        prk.Compute(block, t2);
        macKey = new HmacSha256Key(t2);
        t2.CopyTo(block);
        block[^1] = 3;
        prk.Compute(block, block[..KeySize]);
        block[..(MessageKeysSize - (2 * KeySize))].CopyTo(keys[(2 * KeySize)..]);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>One Curve25519 agreement, with a low-order peer key reported as a bad message.</summary>
    public static void Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, Span<byte> secret)
    {
        try
        {
            Curve25519.SharedSecret(privateKey, publicKey, secret);
        }
        catch (CryptographicException e)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The ratchet key is a low-order point.", e);
        }
    }
}
