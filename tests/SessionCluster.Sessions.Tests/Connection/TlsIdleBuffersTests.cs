using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Connection;

public sealed class TlsIdleBuffersTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task On_linux_a_tls_client_is_set_to_free_its_buffers_when_idle_and_still_carries_data_both_ways()
    {
        using var certificate = SelfSigned();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var accepting = AcceptAsync(listener, certificate);
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
            }).WaitAsync(Patience);
            await using var server = await accepting.WaitAsync(Patience);

            Assert.Equal(OperatingSystem.IsLinux(), TlsIdleBuffers.TryRelease(tls));

            // Records larger than one buffer, then small ones after the buffers were freed: nothing is lost either way.
            var random = new Random(11);
            foreach (var size in new[] { 40_000, 1, 300, 17_000, 5 })
            {
                var sent = new byte[size];
                random.NextBytes(sent);
                await tls.WriteAsync(sent);
                var echoed = new byte[size];
                await server.ReadExactlyAsync(echoed).AsTask().WaitAsync(Patience);
                await server.WriteAsync(echoed);
                var back = new byte[size];
                await tls.ReadExactlyAsync(back).AsTask().WaitAsync(Patience);
                Assert.Equal(sent, back);
            }
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<SslStream> AcceptAsync(TcpListener listener, X509Certificate2 certificate)
    {
        var accepted = await listener.AcceptTcpClientAsync();
        var server = new SslStream(accepted.GetStream(), leaveInnerStreamOpen: false);
        await server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        return server;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
