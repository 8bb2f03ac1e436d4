using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Handshake;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// The client side of the XX handshake as a pure state machine: produce the ClientHello, read the
/// ServerHello (verifying the certificate chain), produce the ClientFinish, then split into transport
/// keys. No I/O; <see cref="NoiseHandshake"/> drives it over frames.
/// </summary>
public sealed class NoiseInitiator : IDisposable
{
    private readonly SymmetricState _state = new();
    private readonly KeyPair _staticKey;
    private readonly KeyPair _ephemeral;
    private readonly NoiseClientOptions _options;
    private byte[]? _serverEphemeral;
    private Step _step = Step.Start;

    /// <param name="staticKey">The client's long-term "noise key".</param>
    /// <param name="options">Trust root and clock; defaults to WhatsApp's production root.</param>
    /// <param name="ephemeral">Fixed ephemeral key for tests; fresh by default.</param>
    public NoiseInitiator(KeyPair staticKey, NoiseClientOptions? options = null, KeyPair? ephemeral = null)
    {
        _staticKey = staticKey;
        _options = options ?? new NoiseClientOptions();
        _ephemeral = ephemeral ?? Curve25519.GenerateKeyPair();
    }

    private enum Step
    {
        Start,
        SentHello,
        ReadServerHello,
        Finished,
    }

    /// <summary>The server's static key, known once the ServerHello has been read.</summary>
    public ReadOnlyMemory<byte> ServerStaticKey { get; private set; }

    /// <summary>The serialized HandshakeMessage{clientHello{ephemeral}}.</summary>
    public byte[] CreateClientHello()
    {
        Expect(Step.Start);
        _state.MixHash(_ephemeral.PublicKey.Span);
        _step = Step.SentHello;
        return new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = ByteString.CopyFrom(_ephemeral.PublicKey.Span) },
        }.ToByteArray();
    }

    /// <summary>Reads the ServerHello and verifies the server's certificate chain.</summary>
    /// <exception cref="NoiseHandshakeException">Malformed or tampered message, or a refused certificate (<see cref="NoiseCertificateException"/>).</exception>
    public void ReadServerHello(ReadOnlySpan<byte> handshakeMessage)
    {
        Expect(Step.SentHello);
        var hello = HandshakeMessages.Parse(handshakeMessage).ServerHello
            ?? throw new NoiseHandshakeException("Expected a ServerHello.");
        if (!hello.HasEphemeral || hello.Ephemeral.Length != Curve25519.KeySize || !hello.HasStatic || !hello.HasPayload)
        {
            throw new NoiseHandshakeException("The ServerHello lacks a 32-byte ephemeral key, a static key or a payload.");
        }

        _serverEphemeral = hello.Ephemeral.ToByteArray();
        _state.MixHash(_serverEphemeral);
        _state.MixDiffieHellman(_ephemeral.PrivateKey.Span, _serverEphemeral);

        var serverStatic = _state.DecryptAndHash(hello.Static.Span, "server static key");
        if (serverStatic.Length != Curve25519.KeySize)
        {
            throw new NoiseHandshakeException($"The server static key is {serverStatic.Length} bytes.");
        }

        _state.MixDiffieHellman(_ephemeral.PrivateKey.Span, serverStatic);
        var certificateChain = _state.DecryptAndHash(hello.Payload.Span, "certificate chain");
        CertificateVerifier.Verify(certificateChain, serverStatic, _options.RootPublicKey.Span, _options.Clock.GetUtcNow());
        ServerStaticKey = serverStatic;
        _step = Step.ReadServerHello;
    }

    /// <summary>The serialized HandshakeMessage{clientFinish{static, payload}} carrying the ClientPayload.</summary>
    public byte[] CreateClientFinish(ReadOnlySpan<byte> clientPayload)
    {
        Expect(Step.ReadServerHello);
        var encryptedStatic = _state.EncryptAndHash(_staticKey.PublicKey.Span);
        _state.MixDiffieHellman(_staticKey.PrivateKey.Span, _serverEphemeral);
        var encryptedPayload = _state.EncryptAndHash(clientPayload);
        _step = Step.Finished;
        return new HandshakeMessage
        {
            ClientFinish = new HandshakeMessage.Types.ClientFinish
            {
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedPayload),
            },
        }.ToByteArray();
    }

    /// <summary>The transport ciphers: the client writes with the first split key and reads with the second.</summary>
    public NoiseTransport Split()
    {
        Expect(Step.Finished);
        var (first, second) = _state.Split();
        return new NoiseTransport(sendKey: first, receiveKey: second);
    }

    public void Dispose() => _state.Dispose();

    private void Expect(Step step)
    {
        if (_step != step)
        {
            throw new InvalidOperationException($"Handshake step out of order: at {_step}, expected {step}.");
        }
    }
}
