using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

/// <summary>A certificate authority and server key with a valid chain, as the simulator will hold them.</summary>
internal sealed class NoiseTestServer
{
    public NoiseTestServer()
    {
        Authority = CertificateAuthority.CreateRandom();
        StaticKey = Curve25519.GenerateKeyPair();
        Chain = Authority.IssueChain(StaticKey.PublicKey.Span, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public CertificateAuthority Authority { get; }

    public KeyPair StaticKey { get; }

    public byte[] Chain { get; set; }

    public NoiseClientOptions TrustingOptions => new() { RootPublicKey = Authority.RootPublicKey };

    public NoiseResponder NewResponder() => new(StaticKey, Chain);
}
