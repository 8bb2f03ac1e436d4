using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SessionCluster.Sessions.State;

/// <summary>
/// Seals secret bytes (private keys, later ratchet states) with AES-256-GCM before they reach the journal.
///
/// Envelope: <c>version (1 byte, = 1) | key id (4) | nonce (12) | ciphertext | tag (16)</c>. The additional data is
/// the version byte and a caller's context (the session id), so a sealed blob moved to another session does not open.
/// The key id is not authenticated on purpose: it is only a hint for choosing among the held keys (rotation). When no
/// held key carries the envelope's id, every held key is tried: if one opens it, the id was altered (<see
/// cref="SecretsFailure.Tampered"/>); if none does, the blob was sealed under a key this node lacks (<see
/// cref="SecretsFailure.WrongKey"/>). So a changed byte anywhere but the version is Tampered, and the version byte
/// is <see cref="SecretsFailure.UnknownVersion"/>. Nonces are random (96 bits): fine for the few seals per session
/// that registrations and ratchet saves make under one key.
/// </summary>
public sealed class SecretBox
{
    public const byte Version1 = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int HeaderSize = 1 + SecretKey.KeyIdSize + NonceSize;
    public const int Overhead = HeaderSize + TagSize;

    private readonly SecretKey _current;
    private readonly IReadOnlyList<SecretKey> _keys;
    private readonly RandomNumberGenerator _random;

    /// <param name="current">The key new seals use.</param>
    /// <param name="previous">Older keys that still open what they sealed (rotation).</param>
    /// <param name="random">The nonce source.</param>
    public SecretBox(SecretKey current, IEnumerable<SecretKey> previous, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(random);
        _current = current;
        _keys = [current, .. previous];
        _random = random;
    }

    public SecretBox(SecretKey current, RandomNumberGenerator random)
        : this(current, [], random)
    {
    }

    /// <summary>
    /// A box that seals under <paramref name="current"/> and opens what it or any key of this box sealed: a session's
    /// own data key in front of the node's keys, so what was sealed under the node key before still opens.
    /// </summary>
    public SecretBox WithCurrent(SecretKey current) => new(current, _keys, _random);

    /// <summary>The id of the key new seals use, safe to log.</summary>
    public string CurrentKeyId => _current.KeyIdHex;

    /// <summary>The ids of the keys this box only opens with (rotation), safe to log.</summary>
    public IReadOnlyList<string> PreviousKeyIds => [.. _keys.Skip(1).Select(k => k.KeyIdHex)];

    /// <summary>
    /// Whether <paramref name="envelope"/> names another key than the current one, so that sealing it again would move
    /// it to the current key (rotation). Reads only the key id; whether the envelope opens is <see cref="Open"/>'s
    /// question. An empty or short envelope (nothing sealed) is false.
    /// </summary>
    public bool NeedsReseal(ReadOnlySpan<byte> envelope) =>
        envelope.Length >= 1 + SecretKey.KeyIdSize && !envelope.Slice(1, SecretKey.KeyIdSize).SequenceEqual(_current.KeyId.Span);

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> context)
    {
        var envelope = new byte[Overhead + plaintext.Length];
        envelope[0] = Version1;
        _current.KeyId.Span.CopyTo(envelope.AsSpan(1));
        var nonce = envelope.AsSpan(1 + SecretKey.KeyIdSize, NonceSize);
        _random.GetBytes(nonce);
        var ciphertext = envelope.AsSpan(HeaderSize, plaintext.Length);
        var tag = envelope.AsSpan(HeaderSize + plaintext.Length, TagSize);
        using var aes = new AesGcm(_current.Bytes, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(Version1, context));
        return envelope;
    }

    /// <summary>Opens an envelope made by <see cref="Seal"/> with the same context; throws <see cref="SecretsException"/>.</summary>
    public byte[] Open(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> context)
    {
        if (envelope.Length < 1)
        {
            throw new SecretsException(SecretsFailure.Tampered, "The sealed secret is empty.");
        }

        if (envelope[0] != Version1)
        {
            throw new SecretsException(SecretsFailure.UnknownVersion, $"The sealed secret has envelope version {envelope[0]}; this build reads version {Version1}.");
        }

        if (envelope.Length < Overhead)
        {
            throw new SecretsException(SecretsFailure.Tampered, $"The sealed secret is {envelope.Length} bytes, shorter than its {Overhead}-byte envelope.");
        }

        var keyId = envelope.Slice(1, SecretKey.KeyIdSize);
        var known = FindKey(keyId);
        if (known is not null)
        {
            return TryOpen(known, envelope, context) ??
                throw new SecretsException(SecretsFailure.Tampered, $"The sealed secret does not authenticate under key {known.KeyIdHex}: it was changed.");
        }

        foreach (var key in _keys)
        {
            if (TryOpen(key, envelope, context) is not null)
            {
                throw new SecretsException(SecretsFailure.Tampered, "The sealed secret's key id was changed.");
            }
        }

        throw new SecretsException(SecretsFailure.WrongKey,
            $"The secret was sealed under key {Convert.ToHexStringLower(keyId)}, which this node does not hold (it holds {string.Join(", ", _keys.Select(k => k.KeyIdHex))}).");
    }

    private SecretKey? FindKey(ReadOnlySpan<byte> keyId)
    {
        foreach (var key in _keys)
        {
            if (key.KeyId.Span.SequenceEqual(keyId))
            {
                return key;
            }
        }

        return null;
    }

    private static byte[]? TryOpen(SecretKey key, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> context)
    {
        var nonce = envelope.Slice(1 + SecretKey.KeyIdSize, NonceSize);
        var ciphertext = envelope[HeaderSize..^TagSize];
        var tag = envelope[^TagSize..];
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key.Bytes, TagSize);
        try
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(envelope[0], context));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] AssociatedData(byte version, ReadOnlySpan<byte> context)
    {
        // version | context length | context: the length keeps (version, context) pairs unambiguous.
        var data = new byte[1 + 4 + context.Length];
        data[0] = version;
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(1), context.Length);
        context.CopyTo(data.AsSpan(5));
        return data;
    }
}
