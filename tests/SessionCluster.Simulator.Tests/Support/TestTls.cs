using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>
/// The tests' trust policy for a simulator under <see cref="SimulatorOptions.Tls"/>: the certificate is fetched from the admin
/// API (<c>GET /admin/tls/certificate</c>) and is the only trust anchor, as a client pinning it would do.
/// </summary>
internal static class TestTls
{
    public static async Task<X509Certificate2> FetchCertificateAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(host.AdminUrl + "/tls/certificate");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-pem-file", response.Content.Headers.ContentType?.MediaType);
        return X509Certificate2.CreateFromPem(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Accepts a server certificate only when it chains to <paramref name="pinned"/> as the sole root (the system's roots are
    /// not consulted) and names the host; <paramref name="seen"/> records every verdict.
    /// </summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 pinned, List<bool>? seen = null) =>
        (_, certificate, _, errors) =>
        {
            var trusted = certificate is not null
                && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                && ChainsTo(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), pinned);
            seen?.Add(trusted);
            return trusted;
        };

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 root)
    {
        using (certificate)
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        }
    }
}
