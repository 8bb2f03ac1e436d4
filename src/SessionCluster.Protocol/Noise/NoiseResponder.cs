using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Handshake;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// The server side of the XX handshake as a pure state machine (the simulator's role): read the
/// ClientHello, answer with our ephemeral, encrypted static key and certificate chain, then read the
/// ClientFinish to learn the client's static key and ClientPayload.
/// </summary>
public sealed class NoiseResponder : IDisposable
{
    private readonly SymmetricState _state = new();
    private readonly KeyPair _staticKey;
    private readonly KeyPair _ephemeral;
    private readonly byte[] _certificateChain;
    private byte[]? _clientEphemeral;
    private Step _step = Step.Start;

    /// <param name="staticKey">The server's static key, the one the leaf certificate names.</param>
    /// <param name="certificateChain">A serialized CertChain (see <see cref="CertificateAuthority"/>).</param>
    /// <param name="ephemeral">Fixed ephemeral key for tests; fresh by default.</param>
    public NoiseResponder(KeyPair staticKey, byte[] certificateChain, KeyPair? ephemeral = null)
    {
        _staticKey = staticKey;
        _certificateChain = certificateChain;
        _ephemeral = ephemeral ?? Curve25519.GenerateKeyPair();
    }

    private enum Step
    {
        Start,
        ReadHello,
        SentServerHello,
        Finished,
    }

    /// <summary>The client's long-term noise key, known after <see cref="ReadClientFinish"/>.</summary>
    public ReadOnlyMemory<byte> ClientStaticKey { get; private set; }

    public void ReadClientHello(ReadOnlySpan<byte> handshakeMessage)
    {
        Expect(Step.Start);
        var hello = HandshakeMessages.Parse(handshakeMessage).ClientHello
            ?? throw new NoiseHandshakeException("Expected a ClientHello.");
        if (!hello.HasEphemeral || hello.Ephemeral.Length != Curve25519.KeySize)
        {
            throw new NoiseHandshakeException("The ClientHello lacks a 32-byte ephemeral key.");
        }

        _clientEphemeral = hello.Ephemeral.ToByteArray();
        _state.MixHash(_clientEphemeral);
        _step = Step.ReadHello;
    }

    public byte[] CreateServerHello()
    {
        Expect(Step.ReadHello);
        _state.MixHash(_ephemeral.PublicKey.Span);
        _state.MixDiffieHellman(_ephemeral.PrivateKey.Span, _clientEphemeral);
        var encryptedStatic = _state.EncryptAndHash(_staticKey.PublicKey.Span);
        _state.MixDiffieHellman(_staticKey.PrivateKey.Span, _clientEphemeral);
        var encryptedChain = _state.EncryptAndHash(_certificateChain);
        _step = Step.SentServerHello;
        return new HandshakeMessage
        {
            ServerHello = new HandshakeMessage.Types.ServerHello
            {
                Ephemeral = ByteString.CopyFrom(_ephemeral.PublicKey.Span),
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedChain),
            },
        }.ToByteArray();
    }

    /// <summary>Reads the ClientFinish and returns the decrypted ClientPayload bytes.</summary>
    public byte[] ReadClientFinish(ReadOnlySpan<byte> handshakeMessage)
    {
        Expect(Step.SentServerHello);
        var finish = HandshakeMessages.Parse(handshakeMessage).ClientFinish
            ?? throw new NoiseHandshakeException("Expected a ClientFinish.");
        if (!finish.HasStatic || !finish.HasPayload)
        {
            throw new NoiseHandshakeException("The ClientFinish lacks the static key or the payload.");
        }

        var clientStatic = _state.DecryptAndHash(finish.Static.Span, "client static key");
        if (clientStatic.Length != Curve25519.KeySize)
        {
            throw new NoiseHandshakeException($"The client static key is {clientStatic.Length} bytes.");
        }

        _state.MixDiffieHellman(_ephemeral.PrivateKey.Span, clientStatic);
        var payload = _state.DecryptAndHash(finish.Payload.Span, "client payload");
        ClientStaticKey = clientStatic;
        _step = Step.Finished;
        return payload;
    }

    /// <summary>The transport ciphers, mirrored: the server writes with the second split key.</summary>
    public NoiseTransport Split()
    {
        Expect(Step.Finished);
        var (first, second) = _state.Split();
        return new NoiseTransport(sendKey: second, receiveKey: first);
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
