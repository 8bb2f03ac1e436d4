using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Handshake;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// Mints root → intermediate → leaf certificate chains the way WhatsApp's server presents them,
/// from a root key of our own. Used by the simulator and by tests; a client trusts such a chain
/// only when configured with <see cref="RootPublicKey"/>.
/// </summary>
public sealed class CertificateAuthority
{
    private readonly KeyPair _root;
    private readonly KeyPair _intermediate;

    public CertificateAuthority(KeyPair root, KeyPair? intermediate = null, uint intermediateSerial = 1)
    {
        _root = root;
        _intermediate = intermediate ?? Curve25519.GenerateKeyPair();
        IntermediateSerial = intermediateSerial;
    }

    /// <summary>The key a client must be configured to trust.</summary>
    public ReadOnlyMemory<byte> RootPublicKey => _root.PublicKey;

    public uint IntermediateSerial { get; }

    /// <summary>A new authority with a fresh random root.</summary>
    public static CertificateAuthority CreateRandom() => new(Curve25519.GenerateKeyPair());

    /// <summary>
    /// The serialized CertChain for a server static key, valid from <paramref name="notBefore"/> to
    /// <paramref name="notAfter"/> (both certificates carry the same window).
    /// </summary>
    public byte[] IssueChain(ReadOnlySpan<byte> serverStaticPublicKey, DateTimeOffset notBefore, DateTimeOffset notAfter, uint leafSerial = 2)
    {
        Curve25519.RequireKeyLength(serverStaticPublicKey, nameof(serverStaticPublicKey));
        var intermediateDetails = new CertChain.Types.NoiseCertificate.Types.Details
        {
            Serial = IntermediateSerial,
            IssuerSerial = 0,
            Key = ByteString.CopyFrom(_intermediate.PublicKey.Span),
            NotBefore = (ulong)notBefore.ToUnixTimeSeconds(),
            NotAfter = (ulong)notAfter.ToUnixTimeSeconds(),
        }.ToByteArray();
        var leafDetails = new CertChain.Types.NoiseCertificate.Types.Details
        {
            Serial = leafSerial,
            IssuerSerial = IntermediateSerial,
            Key = ByteString.CopyFrom(serverStaticPublicKey),
            NotBefore = (ulong)notBefore.ToUnixTimeSeconds(),
            NotAfter = (ulong)notAfter.ToUnixTimeSeconds(),
        }.ToByteArray();

        return new CertChain
        {
            Intermediate = Certificate(intermediateDetails, _root),
            Leaf = Certificate(leafDetails, _intermediate),
        }.ToByteArray();
    }

    private static CertChain.Types.NoiseCertificate Certificate(byte[] details, KeyPair signer) => new()
    {
        Details = ByteString.CopyFrom(details),
        Signature = ByteString.CopyFrom(XEdDsa.Sign(signer.PrivateKey.Span, details)),
    };
}
