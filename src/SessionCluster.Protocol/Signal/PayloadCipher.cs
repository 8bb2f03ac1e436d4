using System.Security.Cryptography;

namespace SessionCluster.Protocol.Signal;

/// <summary>AES-256-CBC with PKCS7 padding, the payload cipher of WhisperMessages (libsignal-node <c>crypto.js</c>).</summary>
internal static class PayloadCipher
{
    public const int KeySize = 32;
    public const int IvSize = 16;

    /// <summary>PKCS7 always adds 1–16 bytes.</summary>
    public static int GetCiphertextLength(int plaintextLength) => ((plaintextLength / IvSize) + 1) * IvSize;

    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        using var aes = Aes.Create();
        aes.SetKey(key);
        aes.EncryptCbc(plaintext, iv, ciphertext, PaddingMode.PKCS7);
    }

    /// <summary>False when the ciphertext is not whole blocks or its padding is wrong. <paramref name="plaintext"/> must hold the ciphertext's length.</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, out int bytesWritten)
    {
        bytesWritten = 0;
        if (ciphertext.IsEmpty || ciphertext.Length % IvSize != 0)
        {
            return false;
        }

        using var aes = Aes.Create();
        aes.SetKey(key);
        try
        {
            return aes.TryDecryptCbc(ciphertext, iv, plaintext, out bytesWritten, PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
