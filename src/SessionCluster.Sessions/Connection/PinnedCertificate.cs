using System.Security.Cryptography.X509Certificates;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// TLS trust anchored in one certificate: the server's certificate must chain to it as the only root (the system's roots
/// are not consulted) and must name the host. This is how a session trusts a simulator's self-signed certificate without
/// trusting anything else.
/// </summary>
/// <remarks>
/// Given to TLS as its chain policy rather than checked in a validation callback: with a callback .NET first builds the
/// chain against the system's roots, fails, and the callback builds a second one, two chain builds per connection that
/// made TLS the largest part of a node's CPU while thousands of sessions reconnected (docs/BENCHMARKS.md). The host name
/// is checked by TLS itself either way.
/// </remarks>
internal static class PinnedCertificate
{
    public static X509ChainPolicy TrustOnly(X509Certificate2 pinned)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // A pinned root is its own revocation authority; there is no CRL to ask.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(pinned);
        return policy;
    }
}
