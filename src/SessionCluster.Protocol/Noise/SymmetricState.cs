using System.Buffers.Binary;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// Noise's SymmetricState as WhatsApp runs it: h (handshake hash), ck (chaining key) and one cipher
/// key whose nonce counter is shared by encryption and decryption and resets at every MixKey.
/// </summary>
internal sealed class SymmetricState : IDisposable
{
    private readonly byte[] _hash = new byte[32];
    private readonly byte[] _chainingKey = new byte[32];
    private readonly byte[] _cipherKey = new byte[32];
    private uint _nonce;

    public SymmetricState()
    {
        // The 32-byte protocol name is h, ck and the first key, unhashed.
        NoiseProtocol.Name.CopyTo(_hash);
        NoiseProtocol.Name.CopyTo(_chainingKey);
        NoiseProtocol.Name.CopyTo(_cipherKey);
        MixHash(NoiseProtocol.ConnectionHeader);
    }

    /// <summary>The current handshake hash (for tests and channel binding).</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>h = SHA-256(h || data).</summary>
    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_hash);
        sha.AppendData(data);
        sha.GetHashAndReset(_hash);
    }

    /// <summary>(ck, k) = HKDF-SHA256(salt = ck, ikm, info = "", 64); the nonce restarts at 0.</summary>
    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> output = stackalloc byte[64];
        DeriveFromChainingKey(inputKeyMaterial, output);
        output[..32].CopyTo(_chainingKey);
        output[32..].CopyTo(_cipherKey);
        CryptographicOperations.ZeroMemory(output);
        _nonce = 0;
    }

    /// <summary>MixKey(X25519(privateKey, publicKey)); a low-order peer key is a handshake failure.</summary>
    public void MixDiffieHellman(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        Span<byte> shared = stackalloc byte[32];
        try
        {
            Curve25519.SharedSecret(privateKey, publicKey, shared);
        }
        catch (CryptographicException e)
        {
            throw new NoiseHandshakeException("The peer sent an unusable Curve25519 key.", e);
        }

        MixKey(shared);
        CryptographicOperations.ZeroMemory(shared);
    }

    /// <summary>AES-256-GCM with AAD = h, then MixHash(ciphertext).</summary>
    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = new byte[plaintext.Length + NoiseProtocol.TagSize];
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        using (var aes = new AesGcm(_cipherKey, NoiseProtocol.TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext.AsSpan(0, plaintext.Length), ciphertext.AsSpan(plaintext.Length), _hash);
        }

        MixHash(ciphertext);
        return ciphertext;
    }

    /// <summary>Decrypts with AAD = h, then MixHash(ciphertext). A failed tag leaves the state unchanged.</summary>
    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext, string what)
    {
        if (ciphertext.Length < NoiseProtocol.TagSize)
        {
            throw new NoiseHandshakeException($"The {what} is {ciphertext.Length} bytes, shorter than an authentication tag.");
        }

        var plaintext = new byte[ciphertext.Length - NoiseProtocol.TagSize];
        Span<byte> nonce = stackalloc byte[12];
        WriteNonce(nonce, _nonce);
        try
        {
            using var aes = new AesGcm(_cipherKey, NoiseProtocol.TagSize);
            aes.Decrypt(nonce, ciphertext[..plaintext.Length], ciphertext[plaintext.Length..], plaintext, _hash);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new NoiseHandshakeException($"The {what} failed authentication: tampered, or not meant for this handshake.", e);
        }

        _nonce++;
        MixHash(ciphertext);
        return plaintext;
    }

    /// <summary>The transport keys: HKDF(salt = ck, empty, 64) → first half, second half.</summary>
    public (byte[] First, byte[] Second) Split()
    {
        Span<byte> output = stackalloc byte[64];
        DeriveFromChainingKey(ReadOnlySpan<byte>.Empty, output);
        var keys = (output[..32].ToArray(), output[32..].ToArray());
        CryptographicOperations.ZeroMemory(output);
        return keys;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_chainingKey);
        CryptographicOperations.ZeroMemory(_cipherKey);
    }

    private void DeriveFromChainingKey(ReadOnlySpan<byte> inputKeyMaterial, Span<byte> output) =>
        Hkdf.DeriveSha256(inputKeyMaterial, _chainingKey, ReadOnlySpan<byte>.Empty, output);

    internal static void WriteNonce(Span<byte> nonce, uint counter)
    {
        nonce[..8].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], counter);
    }

    private void NextNonce(Span<byte> nonce)
    {
        WriteNonce(nonce, _nonce);
        _nonce++;
    }
}
