using System.Security.Cryptography;

namespace SessionCluster.Protocol.Crypto;

/// <summary>X25519 key generation and Diffie-Hellman through libsodium.</summary>
public static class Curve25519
{
    public const int KeySize = 32;

    /// <summary>A fresh key pair from the system CSPRNG, private key clamped as Signal and WhatsApp store it.</summary>
    public static KeyPair GenerateKeyPair()
    {
        var privateKey = new byte[KeySize];
        RandomNumberGenerator.Fill(privateKey);
        Clamp(privateKey);
        return new KeyPair(privateKey, PublicKeyOf(privateKey));
    }

    /// <summary>A fresh key pair drawn from <paramref name="random"/> (a caller's source, so tests can see the draws).</summary>
    public static KeyPair GenerateKeyPair(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var privateKey = new byte[KeySize];
        random.GetBytes(privateKey);
        Clamp(privateKey);
        return new KeyPair(privateKey, PublicKeyOf(privateKey));
    }

    /// <summary>Rebuilds a key pair from a stored private key (clamping a copy of it first).</summary>
    public static KeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        RequireKeyLength(privateKey, nameof(privateKey));
        var clamped = privateKey.ToArray();
        Clamp(clamped);
        return new KeyPair(clamped, PublicKeyOf(clamped));
    }

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        RequireKeyLength(privateKey, nameof(privateKey));
        Sodium.EnsureLoaded();
        var publicKey = new byte[KeySize];
        if (Sodium.crypto_scalarmult_curve25519_base(publicKey, privateKey) != 0)
        {
            throw new CryptographicException("Curve25519 public key derivation failed.");
        }

        return publicKey;
    }

    /// <summary>X25519(privateKey, publicKey) into <paramref name="sharedSecret"/> (32 bytes).</summary>
    /// <exception cref="CryptographicException">The peer's key is a low-order point (the result would be all zeros).</exception>
    public static void SharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, Span<byte> sharedSecret)
    {
        RequireKeyLength(privateKey, nameof(privateKey));
        RequireKeyLength(publicKey, nameof(publicKey));
        if (sharedSecret.Length != KeySize)
        {
            throw new ArgumentException($"The shared secret buffer must be {KeySize} bytes.", nameof(sharedSecret));
        }

        Sodium.EnsureLoaded();
        if (Sodium.crypto_scalarmult_curve25519(sharedSecret, privateKey, publicKey) != 0)
        {
            throw new CryptographicException("X25519 with a low-order public key: refusing an all-zero shared secret.");
        }
    }

    public static byte[] SharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        var secret = new byte[KeySize];
        SharedSecret(privateKey, publicKey, secret);
        return secret;
    }

    /// <summary>Curve25519 clamping: clear the low three bits and the top bit, set bit 254.</summary>
    public static void Clamp(Span<byte> privateKey)
    {
        privateKey[0] &= 248;
        privateKey[31] &= 127;
        privateKey[31] |= 64;
    }

    internal static void RequireKeyLength(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A Curve25519 key is {KeySize} bytes, not {key.Length}.", name);
        }
    }
}
