using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using PlatformAes = System.Security.Cryptography.Aes;

namespace SessionCluster.Protocol.Crypto;

/// <summary>Which AES implementation <see cref="AesCbc"/> runs on.</summary>
internal enum AesCbcBackend
{
    /// <summary><see cref="AesNiCbc"/>: AES-NI instructions from managed code.</summary>
    AesNi = 1,

    /// <summary><see cref="PlatformAes"/> (OpenSSL on Linux): correct everywhere, ~1 µs per call.</summary>
    Platform = 2,
}

/// <summary>
/// AES-256-CBC with PKCS#7 padding, as Signal encrypts message bodies. One call per message, key schedule
/// included: ~0.1–0.2 µs on AES-NI against ~1.1 µs through <see cref="PlatformAes"/> (which remains the
/// fallback on CPUs without AES-NI). No allocation.
/// </summary>
/// <remarks>
/// <para>
/// CBC does not authenticate: decrypt only what a MAC has already verified (Signal MACs the whole
/// ciphertext). The padding check still runs in constant time with respect to the padding bytes, and a
/// failed check writes nothing.
/// </para>
/// <para>
/// Encrypt then decrypt:
/// <code>
/// Span&lt;byte&gt; ciphertext = stackalloc byte[AesCbc.GetCiphertextLength(plaintext.Length)];
/// AesCbc.Encrypt(cipherKey, iv, plaintext, ciphertext);
/// var buffer = new byte[ciphertext.Length];
/// if (!AesCbc.TryDecrypt(cipherKey, iv, ciphertext, buffer, out var length)) { /* corrupt */ }
/// </code>
/// The input and output of either call may be the same buffer (starting at the same address), but must
/// not otherwise overlap.
/// </para>
/// </remarks>
public static class AesCbc
{
    /// <summary>AES-256: 32-byte keys.</summary>
    public const int KeySize = 32;

    /// <summary>The initialisation vector is one block.</summary>
    public const int IvSize = BlockSize;

    /// <summary>AES's block size; ciphertexts are whole blocks.</summary>
    public const int BlockSize = 16;

    internal static AesCbcBackend DefaultBackend => AesNiCbc.IsSupported ? AesCbcBackend.AesNi : AesCbcBackend.Platform;

    /// <summary>The ciphertext length for <paramref name="plaintextLength"/> bytes: PKCS#7 always adds 1–16 bytes.</summary>
    public static int GetCiphertextLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintextLength, int.MaxValue - BlockSize);
        return (plaintextLength / BlockSize + 1) * BlockSize;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with PKCS#7 padding and returns the ciphertext length.</summary>
    /// <param name="key">32 bytes.</param>
    /// <param name="iv">16 bytes.</param>
    /// <param name="plaintext">Any length, including empty.</param>
    /// <param name="ciphertext">At least <see cref="GetCiphertextLength"/>(plaintext.Length) bytes.</param>
    /// <returns>The number of bytes written: <see cref="GetCiphertextLength"/>(plaintext.Length).</returns>
    /// <exception cref="ArgumentException">A key or IV of the wrong length, a ciphertext span too short,
    /// or buffers that overlap other than exactly.</exception>
    public static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext) =>
        Encrypt(key, iv, plaintext, ciphertext, DefaultBackend);

    /// <summary>
    /// Decrypts <paramref name="ciphertext"/> and removes its PKCS#7 padding. Returns false, writing nothing,
    /// when the ciphertext is empty, not whole blocks, or its padding is malformed: corrupt or wrong-key input.
    /// </summary>
    /// <param name="key">32 bytes.</param>
    /// <param name="iv">16 bytes.</param>
    /// <param name="ciphertext">The ciphertext, a non-zero multiple of 16 bytes when valid.</param>
    /// <param name="plaintext">Room for the plaintext: <c>ciphertext.Length − 1</c> bytes always suffice
    /// (the exact length is only known once the padding is read).</param>
    /// <param name="bytesWritten">The plaintext length; 0 when false is returned.</param>
    /// <exception cref="ArgumentException">A key or IV of the wrong length, buffers that overlap other than
    /// exactly, or a valid ciphertext whose plaintext does not fit in <paramref name="plaintext"/>.</exception>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, out int bytesWritten) =>
        TryDecrypt(key, iv, ciphertext, plaintext, out bytesWritten, DefaultBackend);

    /// <inheritdoc cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
    internal static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, AesCbcBackend backend)
    {
        RequireKeyAndIv(key, iv);
        RequireExactOrNoOverlap(plaintext, ciphertext);
        if (ciphertext.Length < GetCiphertextLength(plaintext.Length))
        {
            throw new ArgumentException(
                $"{plaintext.Length} bytes of plaintext need {GetCiphertextLength(plaintext.Length)} bytes of ciphertext; the span has {ciphertext.Length}.",
                nameof(ciphertext));
        }

        if (backend == AesCbcBackend.AesNi)
        {
            return AesNiCbc.Encrypt(key, iv, plaintext, ciphertext);
        }

        using var aes = CreatePlatformAes(key, backend);
        return aes.EncryptCbc(plaintext, iv, ciphertext, PaddingMode.PKCS7);
    }

    /// <inheritdoc cref="TryDecrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/>
    internal static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, out int bytesWritten, AesCbcBackend backend)
    {
        RequireKeyAndIv(key, iv);
        RequireExactOrNoOverlap(ciphertext, plaintext);
        bytesWritten = 0;
        if (ciphertext.IsEmpty || ciphertext.Length % BlockSize != 0)
        {
            return false;
        }

        var length = backend == AesCbcBackend.AesNi
            ? AesNiCbc.Decrypt(key, iv, ciphertext, plaintext)
            : DecryptOnPlatform(key, iv, ciphertext, plaintext, backend);
        if (length < 0)
        {
            return false;
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>
    /// The PKCS#7 padding length (1–16) of a final plaintext block, or 0 if it is malformed. Branch-free:
    /// the time taken does not depend on the block's contents.
    /// </summary>
    internal static int CheckPadding(Vector128<byte> last)
    {
        int padding = last.GetElement(BlockSize - 1);
        var expected = Vector128.Create((byte)padding);

        // Byte i is padding when its distance from the end (15 − i) is less than the padding length.
        var distanceFromEnd = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        var inPadding = Vector128.LessThan(distanceFromEnd, expected);
        var wrong = Vector128.AndNot(inPadding, Vector128.Equals(last, expected)).ExtractMostSignificantBits();

        // Each term's sign bit is set when it fails: a wrong byte, a length of 0, a length over 16.
        var invalid = (int)((uint)-(int)wrong >> 31) | (int)((uint)(padding - 1) >> 31) | (int)((uint)(BlockSize - padding) >> 31);
        return padding & (invalid - 1);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowPlaintextTooSmall(int length) =>
        throw new ArgumentException($"The plaintext needs {length} bytes; the span is shorter. Allocate ciphertext.Length − 1 bytes.", "plaintext");

    private static int DecryptOnPlatform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, AesCbcBackend backend)
    {
        using var aes = CreatePlatformAes(key, backend);

        // As on AES-NI: the last block first, padding checked before anything is written.
        var lastOffset = ciphertext.Length - BlockSize;
        Span<byte> last = stackalloc byte[BlockSize];
        var lastIv = lastOffset == 0 ? iv : ciphertext.Slice(lastOffset - BlockSize, BlockSize);
        aes.DecryptCbc(ciphertext[lastOffset..], lastIv, last, PaddingMode.None);

        var padding = CheckPadding(Vector128.Create((ReadOnlySpan<byte>)last));
        if (padding == 0)
        {
            CryptographicOperations.ZeroMemory(last);
            return -1;
        }

        var length = ciphertext.Length - padding;
        if (plaintext.Length < length)
        {
            CryptographicOperations.ZeroMemory(last);
            ThrowPlaintextTooSmall(length);
        }

        if (lastOffset > 0)
        {
            aes.DecryptCbc(ciphertext[..lastOffset], iv, plaintext[..lastOffset], PaddingMode.None);
        }

        last[..(BlockSize - padding)].CopyTo(plaintext[lastOffset..]);
        CryptographicOperations.ZeroMemory(last);
        return length;
    }

    private static PlatformAes CreatePlatformAes(ReadOnlySpan<byte> key, AesCbcBackend backend)
    {
        if (backend != AesCbcBackend.Platform)
        {
            throw new ArgumentOutOfRangeException(nameof(backend));
        }

        var aes = PlatformAes.Create();
        aes.SetKey(key);
        return aes;
    }

    private static void RequireKeyAndIv(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"AES-256 needs a {KeySize}-byte key, not {key.Length} bytes.", nameof(key));
        }

        if (iv.Length != IvSize)
        {
            throw new ArgumentException($"CBC needs a {IvSize}-byte IV, not {iv.Length} bytes.", nameof(iv));
        }
    }

    private static void RequireExactOrNoOverlap(ReadOnlySpan<byte> input, ReadOnlySpan<byte> output)
    {
        if (input.Overlaps(output, out var offset) && offset != 0)
        {
            throw new ArgumentException("Input and output may be the same buffer but must not otherwise overlap.", nameof(output));
        }
    }
}
