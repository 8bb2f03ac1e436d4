namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// A Curve25519 key pair: 32-byte clamped private scalar and 32-byte Montgomery public key
/// (raw, without Signal's 0x05 type byte).
/// </summary>
public sealed record KeyPair
{
    public KeyPair(ReadOnlyMemory<byte> privateKey, ReadOnlyMemory<byte> publicKey)
    {
        Curve25519.RequireKeyLength(privateKey.Span, nameof(privateKey));
        Curve25519.RequireKeyLength(publicKey.Span, nameof(publicKey));
        PrivateKey = privateKey;
        PublicKey = publicKey;
    }

    public ReadOnlyMemory<byte> PrivateKey { get; }

    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>Never prints the private key.</summary>
    public override string ToString() => $"KeyPair(public {Convert.ToHexStringLower(PublicKey.Span)})";
}
