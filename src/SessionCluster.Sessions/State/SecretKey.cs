using System.Security.Cryptography;

namespace SessionCluster.Sessions.State;

/// <summary>
/// One AES-256 key for <see cref="SecretBox"/> and its 4-byte key id (the first bytes of SHA-256 over a label and the
/// key), which sealed envelopes carry so that a node holding several keys (rotation) knows which one to use, and so
/// that a node holding the wrong key can say so. <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class SecretKey
{
    public const int KeySize = 32;
    public const int KeyIdSize = 4;

    private static readonly byte[] KeyIdLabel = "sessioncluster-secrets-key-id:"u8.ToArray();

    private readonly byte[] _key;

    private SecretKey(byte[] key)
    {
        _key = key;
        var hash = SHA256.HashData([.. KeyIdLabel, .. key]);
        KeyId = hash.AsSpan(0, KeyIdSize).ToArray();
    }

    /// <summary>The key's id as stored in envelopes.</summary>
    public ReadOnlyMemory<byte> KeyId { get; }

    /// <summary>The key id in hex, safe to log: it identifies the key without revealing it.</summary>
    public string KeyIdHex => Convert.ToHexStringLower(KeyId.Span);

    internal ReadOnlySpan<byte> Bytes => _key;

    /// <summary>A key from its 32 bytes (copied).</summary>
    public static SecretKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new SecretsException(SecretsFailure.MissingKey, $"A secrets key is {KeySize} bytes; this one is {key.Length}.");
        }

        return new SecretKey(key.ToArray());
    }

    /// <summary>
    /// A key from base64 of 32 bytes, as configured (<c>SC:Secrets:Key</c> or <c>SC_SECRETS_KEY</c>). Null, empty or
    /// malformed is <see cref="SecretsFailure.MissingKey"/>: a node never falls back to storing secrets in plain.
    /// </summary>
    public static SecretKey FromBase64(string? base64, string source)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            throw new SecretsException(SecretsFailure.MissingKey, $"No secrets key: {source} is not set. Give base64 of {KeySize} random bytes (for example `openssl rand -base64 32`).");
        }

        var bytes = new byte[KeySize + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), bytes, out var written) || written != KeySize)
        {
            throw new SecretsException(SecretsFailure.MissingKey, $"The secrets key in {source} is not base64 of {KeySize} bytes.");
        }

        var key = FromBytes(bytes.AsSpan(0, KeySize));
        CryptographicOperations.ZeroMemory(bytes);
        return key;
    }

    /// <summary>A new random key, for a node's first start and for tests.</summary>
    public static SecretKey Generate(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var bytes = new byte[KeySize];
        random.GetBytes(bytes);
        return new SecretKey(bytes);
    }

    /// <summary>The key as base64, for writing a generated key to its file; never log it.</summary>
    public string ExportBase64() => Convert.ToBase64String(_key);

    public override string ToString() => $"SecretKey(id {KeyIdHex})";
}
