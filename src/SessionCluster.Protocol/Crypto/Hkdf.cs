using System.Security.Cryptography;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// HKDF-SHA256 (RFC 5869). The extract step is a plain HMAC because OpenSSL's HKDF, behind .NET's
/// <see cref="HKDF"/>, refuses empty input key material, which Noise's Split uses.
/// </summary>
public static class Hkdf
{
    /// <summary>Fills <paramref name="output"/> with HKDF-SHA256(ikm, salt, info).</summary>
    public static void DeriveSha256(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        Span<byte> pseudoRandomKey = stackalloc byte[32];
        Span<byte> zeroSalt = stackalloc byte[32];
        zeroSalt.Clear();
        HMACSHA256.HashData(salt.IsEmpty ? zeroSalt : salt, inputKeyMaterial, pseudoRandomKey);
        HKDF.Expand(HashAlgorithmName.SHA256, pseudoRandomKey, output, info);
        CryptographicOperations.ZeroMemory(pseudoRandomKey);
    }
}
