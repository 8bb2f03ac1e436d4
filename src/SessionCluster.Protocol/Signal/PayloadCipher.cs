using System.Security.Cryptography;

namespace SessionCluster.Protocol.Signal;

/// <summary>AES-256-CBC with PKCS7 padding, the payload cipher of WhisperMessages (libsignal-node <c>crypto.js</c>).</summary>
internal static class PayloadCipher
{
    public const int KeySize = 32;
    public const int IvSize = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        using var aes = Aes.Create();
        aes.SetKey(key);
        return aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    /// <summary>False when the ciphertext is not whole blocks or its padding is wrong.</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, out byte[] plaintext)
    {
        plaintext = [];
        if (ciphertext.IsEmpty || ciphertext.Length % IvSize != 0)
        {
            return false;
        }

        using var aes = Aes.Create();
        aes.SetKey(key);
        try
        {
            plaintext = aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
