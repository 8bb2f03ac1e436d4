using System.Net.Security;
using System.Net.WebSockets;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>
/// A client connection to an embedded simulator through the project's own Noise initiator
/// (<see cref="NoiseHandshake.ConnectAsync"/>), trusting the simulator's root key; over <c>wss://</c> it trusts only the
/// certificate the admin API gives (<see cref="TestTls"/>) unless told otherwise.
/// </summary>
internal sealed class TestConnection : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _webSocket;
    private readonly WebSocketDuplexPipe _pipe;
    private int _ids;

    private TestConnection(ClientWebSocket webSocket, WebSocketDuplexPipe pipe, NoiseSocket socket)
    {
        _webSocket = webSocket;
        _pipe = pipe;
        Socket = socket;
    }

    public NoiseSocket Socket { get; }

    /// <summary>Connects and runs the Noise handshake; <paramref name="validateCertificate"/> (wss only) defaults to <see cref="TestTls.TrustOnly"/> the admin API's certificate.</summary>
    public static async Task<TestConnection> ConnectAsync(SimulatorHost host, KeyPair noiseKey, byte[] payload, RemoteCertificateValidationCallback? validateCertificate = null)
    {
        if (host.WebSocketUrl.StartsWith("wss://", StringComparison.Ordinal))
        {
            validateCertificate ??= TestTls.TrustOnly(await TestTls.FetchCertificateAsync(host));
        }

        return await ConnectAsync(host.WebSocketUrl, host.RootPublicKey.ToArray(), noiseKey, payload, validateCertificate);
    }

    /// <summary>Connects to a simulator known only by its URL and root key (one running as its own process).</summary>
    public static async Task<TestConnection> ConnectAsync(
        string webSocketUrl, byte[] rootPublicKey, KeyPair noiseKey, byte[] payload, RemoteCertificateValidationCallback? validateCertificate = null)
    {
        var webSocket = new ClientWebSocket();
        webSocket.Options.SetRequestHeader("Origin", "https://web.whatsapp.com");
        if (validateCertificate is not null)
        {
            webSocket.Options.RemoteCertificateValidationCallback = validateCertificate;
        }

        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await webSocket.ConnectAsync(new Uri(webSocketUrl), timeout.Token);
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }

        var pipe = new WebSocketDuplexPipe(webSocket);
        var socket = await NoiseHandshake.ConnectAsync(pipe, new NoiseInitiator(noiseKey, new NoiseClientOptions { RootPublicKey = rootPublicKey }), payload, cancellationToken: timeout.Token);
        return new TestConnection(webSocket, pipe, socket);
    }

    public string NextId() => "t." + Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ValueTask SendAsync(Node node) => Socket.SendNodeAsync(node);

    /// <summary>The next stanza; fails the test when none arrives in time or the stream ends.</summary>
    public async Task<Node> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var node = await Socket.ReceiveNodeAsync(cancellationToken: cts.Token);
        Assert.NotNull(node);
        return node;
    }

    /// <summary>Skips stanzas until one matches; fails on timeout.</summary>
    public async Task<Node> ReceiveUntilAsync(Func<Node, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "The expected stanza did not arrive in time.");
            var node = await ReceiveAsync(left);
            if (match(node))
            {
                return node;
            }
        }
    }

    /// <summary>Sends an iq and returns the server's answer with the same id.</summary>
    public async Task<Node> QueryAsync(string xmlns, string type, params Node[] children)
    {
        var id = NextId();
        Node iq = children.Length == 0
            ? new Node("iq", [("id", id), ("xmlns", xmlns), ("type", type), ("to", "s.whatsapp.net")])
            : new Node("iq", [("id", id), ("xmlns", xmlns), ("type", type), ("to", "s.whatsapp.net")], children);
        await SendAsync(iq);
        return await ReceiveUntilAsync(n => n.Tag == "iq" && n.GetOptionalString("id") == id);
    }

    /// <summary>Waits until the server ends the stream (null from the socket); fails if a stanza arrives instead.</summary>
    public async Task AssertClosedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var node = await Socket.ReceiveNodeAsync(cancellationToken: cts.Token);
        Assert.Null(node);
    }

    public async ValueTask DisposeAsync()
    {
        await Socket.DisposeAsync();
        await _pipe.DisposeAsync();
        _webSocket.Dispose();
    }
}
