using System.Security.Cryptography;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// XEdDSA signatures over Curve25519 keys, compatible with libsignal's <c>curve25519_sign</c>/<c>verify</c>:
/// 64 bytes R || s, where the sign bit of the Ed25519 public key derived from the private scalar travels
/// in the otherwise unused top bit of the last byte. WhatsApp uses these for certificate chains,
/// signed prekeys and ADV identities.
/// </summary>
/// <remarks>
/// Signing runs entirely on libsodium's constant-time scalar and point arithmetic; the nonce is
/// r = SHA-512(0xFE || 0xFF×31 || a || message || Z) with 64 fresh random bytes Z, as in libsignal.
/// </remarks>
public static class XEdDsa
{
    public const int SignatureSize = 64;

    /// <summary>Signs <paramref name="message"/> with a Curve25519 private key.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Span<byte> random = stackalloc byte[64];
        RandomNumberGenerator.Fill(random);
        var signature = new byte[SignatureSize];
        Sign(privateKey, message, random, signature);
        CryptographicOperations.ZeroMemory(random);
        return signature;
    }

    /// <summary>Deterministic form for tests: the caller supplies the 64 random bytes.</summary>
    public static void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature)
    {
        Curve25519.RequireKeyLength(privateKey, nameof(privateKey));
        if (random.Length != 64)
        {
            throw new ArgumentException("XEdDSA needs 64 random bytes.", nameof(random));
        }

        if (signature.Length != SignatureSize)
        {
            throw new ArgumentException($"An XEdDSA signature is {SignatureSize} bytes.", nameof(signature));
        }

        Sodium.EnsureLoaded();
        Span<byte> scalar = stackalloc byte[32];
        Span<byte> wide = stackalloc byte[64];
        Span<byte> edPublic = stackalloc byte[32];
        Span<byte> nonce = stackalloc byte[32];
        Span<byte> challenge = stackalloc byte[32];
        Span<byte> product = stackalloc byte[32];
        try
        {
            privateKey.CopyTo(scalar);
            Curve25519.Clamp(scalar);
            if (Sodium.crypto_scalarmult_ed25519_base_noclamp(edPublic, scalar) != 0)
            {
                throw new CryptographicException("XEdDSA: the private key maps to the identity point.");
            }

            var signBit = (byte)(edPublic[31] & 0x80);

            // r = H1(a || M || Z) mod L, with H1 = SHA-512 prefixed by 0xFE 0xFF…0xFF (32 bytes).
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                Span<byte> prefix = stackalloc byte[32];
                prefix.Fill(0xFF);
                prefix[0] = 0xFE;
                hash.AppendData(prefix);
                hash.AppendData(scalar);
                hash.AppendData(message);
                hash.AppendData(random);
                hash.GetHashAndReset(wide);
            }

            Sodium.crypto_core_ed25519_scalar_reduce(nonce, wide);
            if (Sodium.crypto_scalarmult_ed25519_base_noclamp(signature[..32], nonce) != 0)
            {
                throw new CryptographicException("XEdDSA: degenerate nonce.");
            }

            // h = SHA-512(R || A || M) mod L; s = h·a + r mod L.
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                hash.AppendData(signature[..32]);
                hash.AppendData(edPublic);
                hash.AppendData(message);
                hash.GetHashAndReset(wide);
            }

            Sodium.crypto_core_ed25519_scalar_reduce(challenge, wide);
            wide.Clear();
            scalar.CopyTo(wide);
            Span<byte> reducedScalar = stackalloc byte[32];
            Sodium.crypto_core_ed25519_scalar_reduce(reducedScalar, wide);
            Sodium.crypto_core_ed25519_scalar_mul(product, challenge, reducedScalar);
            Sodium.crypto_core_ed25519_scalar_add(signature[32..], product, nonce);
            CryptographicOperations.ZeroMemory(reducedScalar);
            signature[63] = (byte)((signature[63] & 0x7F) | signBit);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(nonce);
            CryptographicOperations.ZeroMemory(product);
        }
    }

    /// <summary>True when <paramref name="signature"/> is a valid XEdDSA signature of <paramref name="message"/> under the Curve25519 public key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Curve25519.KeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        Sodium.EnsureLoaded();
        Span<byte> edPublic = stackalloc byte[32];
        if (!MontgomeryToEdwards.TryConvert(publicKey, edPublic))
        {
            return false;
        }

        edPublic[31] |= (byte)(signature[63] & 0x80);
        Span<byte> edSignature = stackalloc byte[SignatureSize];
        signature.CopyTo(edSignature);
        edSignature[63] &= 0x7F;
        return Sodium.crypto_sign_ed25519_verify_detached(edSignature, message, (ulong)message.Length, edPublic) == 0;
    }
}
