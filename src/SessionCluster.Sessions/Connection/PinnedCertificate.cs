using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// TLS trust anchored in one certificate: the server's certificate must chain to it as the only root (the system's roots
/// are not consulted) and must name the host. This is how a session trusts a simulator's self-signed certificate without
/// trusting anything else.
/// </summary>
internal static class PinnedCertificate
{
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 pinned) =>
        (_, certificate, _, errors) =>
            certificate is not null
            && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
            && ChainsTo(certificate, pinned);

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2 root)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        // A pinned root is its own revocation authority; there is no CRL to ask.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
