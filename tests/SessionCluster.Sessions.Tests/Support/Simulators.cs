using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Handshake;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.Connection;
using SessionCluster.Simulator;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>The in-process simulator on loopback, and connection settings for a new, unpaired companion against it.</summary>
internal static class Simulators
{
    public static Task<SimulatorHost> StartAsync(SimulatorOptions? options = null) =>
        SimulatorHost.StartAsync((options ?? new SimulatorOptions()) with { CloseGrace = TimeSpan.FromMilliseconds(300) });

    /// <summary>Settings for a companion that registers (its ClientPayload asks to be paired), trusting the simulator's root key.</summary>
    public static ConnectionSettings Registering(Uri server, ReadOnlyMemory<byte> rootPublicKey)
    {
        var identity = Curve25519.GenerateKeyPair();
        var payload = CompanionPayloads.Registration(KeyHelper.GenerateRegistrationId(), identity, KeyHelper.GenerateSignedPreKey(identity, 1));
        return new ConnectionSettings(server, Curve25519.GenerateKeyPair(), Google.Protobuf.MessageExtensions.ToByteArray(payload))
        {
            RootPublicKey = rootPublicKey.ToArray(),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
    }

    public static ConnectionSettings Registering(SimulatorHost host) => Registering(new Uri(host.WebSocketUrl), host.RootPublicKey);

    /// <summary>The simulator's TLS certificate as its admin API gives it (<c>GET /admin/tls/certificate</c>).</summary>
    public static async Task<X509Certificate2> FetchCertificateAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        return X509Certificate2.CreateFromPem(await http.GetStringAsync(host.AdminUrl + "/tls/certificate"));
    }

    /// <summary>A self-signed certificate for 127.0.0.1 that has nothing to do with the simulator.</summary>
    public static X509Certificate2 UnrelatedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadCertificate(withKey.Export(X509ContentType.Cert));
    }
}
