using System.Security.Cryptography.X509Certificates;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// Everything one <see cref="ConnectionActor"/> needs to connect. Timing defaults follow what the real clients do
/// (docs/PROTOCOL.md §13); tests shorten them explicitly.
/// </summary>
/// <param name="ServerUri"><c>wss://web.whatsapp.com/ws/chat</c> in production, a simulator's <c>ws://</c> or <c>wss://</c> URL in tests.</param>
/// <param name="NoiseKey">The companion's long-term Noise static key pair.</param>
/// <param name="ClientPayload">The serialized ClientPayload sent in the ClientFinish (see <c>Protocol.Handshake.CompanionPayloads</c>).</param>
public sealed record ConnectionSettings(Uri ServerUri, KeyPair NoiseKey, ReadOnlyMemory<byte> ClientPayload)
{
    /// <summary>The root key the server's Noise certificate chain must be signed by. Default: WhatsApp's production root.</summary>
    public ReadOnlyMemory<byte> RootPublicKey { get; init; } = NoiseProtocol.WhatsAppRootPublicKey.ToArray();

    /// <summary>
    /// A certificate to trust as the sole TLS root instead of the system's (a simulator's self-signed certificate). The
    /// server's certificate must chain to it and name the host. Default <see langword="null"/>: the system's roots.
    /// </summary>
    public X509Certificate2? PinnedCertificate { get; init; }

    /// <summary>
    /// The outbound proxy the WebSocket is tunnelled through (SOCKS5 or HTTP CONNECT); failures to open the tunnel are
    /// <see cref="ConnectionLossReason.Proxy"/>. Default <see langword="null"/>: a direct connection.
    /// </summary>
    public ProxySettings? Proxy { get; init; }

    /// <summary>How long opening the WebSocket and the Noise handshake may take together. Default 20 s, whatsmeow's ServerHello wait.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a ping iq goes out. Default 30 s: Baileys pings every 30 s, whatsmeow every 20–30 s (docs/PROTOCOL.md §13).</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When nothing at all arrives for this long the connection is declared dead. Default 35 s, Baileys' rule (the interval
    /// plus 5 s, docs/PROTOCOL.md §13): a healthy server answers every ping, so two silent rounds cannot happen on a live
    /// connection. Time spent waiting for the parent to acknowledge a node does not count (the connection is not reading then).
    /// </summary>
    public TimeSpan DeadConnectionTimeout { get; init; } = TimeSpan.FromSeconds(35);

    /// <summary>How many stanzas may wait to be sent; beyond it <see cref="ConnectionProtocol.SendNode"/> is rejected. Default 256.</summary>
    public int OutboundQueueBound { get; init; } = 256;

    /// <summary>Bounds on what the server's nodes may make the decoder allocate. Default <see cref="DecoderLimits.Default"/>.</summary>
    public DecoderLimits DecoderLimits { get; init; } = DecoderLimits.Default;

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (ServerUri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"The server URI must be ws:// or wss://, not {ServerUri.Scheme}://.", nameof(ServerUri));
        }

        if (ClientPayload.IsEmpty)
        {
            throw new ArgumentException("The ClientPayload is empty.", nameof(ClientPayload));
        }

        if (RootPublicKey.Length != Curve25519.KeySize)
        {
            throw new ArgumentException($"The root public key has {RootPublicKey.Length} bytes, not {Curve25519.KeySize}.", nameof(RootPublicKey));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepaliveInterval, TimeSpan.Zero, nameof(KeepaliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DeadConnectionTimeout, KeepaliveInterval, nameof(DeadConnectionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(OutboundQueueBound, 1, nameof(OutboundQueueBound));
    }
}
