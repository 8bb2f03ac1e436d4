using System.Security.Cryptography;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// One direction of the transport phase: AES-256-GCM with a 32-bit big-endian counter nonce and
/// empty associated data. Not thread-safe; each direction has one owner.
/// </summary>
public sealed class TransportCipher : IDisposable
{
    private readonly AesGcm _aes;
    private uint _counter;
    private bool _exhausted;

    public TransportCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("A transport key is 32 bytes.", nameof(key));
        }

        _aes = new AesGcm(key, NoiseProtocol.TagSize);
    }

    /// <summary>How many frames this direction has processed; the next nonce.</summary>
    public uint Counter => _counter;

    /// <summary>Encrypts into <paramref name="destination"/>, which must be plaintext length + 16 bytes.</summary>
    public void Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (destination.Length != plaintext.Length + NoiseProtocol.TagSize)
        {
            throw new ArgumentException("The destination must be the plaintext length plus the tag.", nameof(destination));
        }

        Span<byte> nonce = stackalloc byte[12];
        TakeNonce(nonce);
        _aes.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination[plaintext.Length..]);
        Advance();
    }

    /// <summary>
    /// Decrypts into <paramref name="destination"/> (ciphertext length − 16 bytes). On a bad tag it
    /// throws <see cref="NoiseTransportException"/> and the counter does not move.
    /// </summary>
    public void Decrypt(ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        if (ciphertext.Length < NoiseProtocol.TagSize)
        {
            throw new NoiseTransportException($"A {ciphertext.Length}-byte transport frame is shorter than its authentication tag.");
        }

        var plaintextLength = ciphertext.Length - NoiseProtocol.TagSize;
        if (destination.Length != plaintextLength)
        {
            throw new ArgumentException("The destination must be the ciphertext length minus the tag.", nameof(destination));
        }

        Span<byte> nonce = stackalloc byte[12];
        TakeNonce(nonce);
        try
        {
            _aes.Decrypt(nonce, ciphertext[..plaintextLength], ciphertext[plaintextLength..], destination);
        }
        catch (AuthenticationTagMismatchException e)
        {
            destination.Clear();
            throw new NoiseTransportException($"Transport frame {_counter} failed authentication: tampered, reordered or from another session.", e);
        }

        Advance();
    }

    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext)
    {
        var plaintext = new byte[Math.Max(0, ciphertext.Length - NoiseProtocol.TagSize)];
        Decrypt(ciphertext, plaintext);
        return plaintext;
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = new byte[plaintext.Length + NoiseProtocol.TagSize];
        Encrypt(plaintext, ciphertext);
        return ciphertext;
    }

    public void Dispose() => _aes.Dispose();

    private void TakeNonce(Span<byte> nonce)
    {
        if (_exhausted)
        {
            // Reusing a GCM nonce would leak the key stream; the connection must be re-established.
            throw new NoiseTransportException("The transport counter is exhausted (2^32 frames); reconnect.");
        }

        SymmetricState.WriteNonce(nonce, _counter);
    }

    private void Advance()
    {
        if (_counter == uint.MaxValue)
        {
            _exhausted = true;
        }
        else
        {
            _counter++;
        }
    }
}
