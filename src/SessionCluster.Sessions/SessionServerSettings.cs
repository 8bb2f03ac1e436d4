using System.Security.Cryptography.X509Certificates;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions;

/// <summary>
/// Where every session of the node connects and whom it trusts there. Default (<see cref="Production"/>): WhatsApp's
/// server with its production Noise root and the system's TLS roots; tests pass a simulator's URL, root and certificate.
/// </summary>
/// <param name="ServerUri"><c>wss://web.whatsapp.com/ws/chat</c> in production.</param>
public sealed record SessionServerSettings(Uri ServerUri)
{
    public static SessionServerSettings Production { get; } = new(new Uri("wss://web.whatsapp.com/ws/chat"));

    /// <summary>The root key the server's Noise certificate chain must be signed by. Default: WhatsApp's production root.</summary>
    public ReadOnlyMemory<byte> RootPublicKey { get; init; } = NoiseProtocol.WhatsAppRootPublicKey.ToArray();

    /// <summary>A certificate to trust as the sole TLS root (a simulator's); default none: the system's roots.</summary>
    public X509Certificate2? PinnedCertificate { get; init; }

    /// <summary>How long opening the socket and the Noise handshake may take. Default 20 s (<see cref="ConnectionSettings.ConnectTimeout"/>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The settings of one connection with this companion's Noise key and ClientPayload.</summary>
    public ConnectionSettings ForConnection(KeyPair noiseKey, ReadOnlyMemory<byte> clientPayload) =>
        new(ServerUri, noiseKey, clientPayload)
        {
            RootPublicKey = RootPublicKey,
            PinnedCertificate = PinnedCertificate,
            ConnectTimeout = ConnectTimeout,
        };
}
