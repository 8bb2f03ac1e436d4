using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

public sealed class NoiseHandshakeTests
{
    private static readonly byte[] Payload = "client payload bytes"u8.ToArray();

    [Fact]
    public void The_prologue_hash_matches_the_value_computed_with_Node()
    {
        using var state = new SymmetricState();

        Assert.Equal("ffff0c9267310966f1311170c04b38c79504285bf5edf763e5c946492a50a755", Convert.ToHexStringLower(state.Hash));
    }

    [Fact]
    public void Initiator_and_responder_agree_on_keys_and_payload()
    {
        var server = new NoiseTestServer();
        var clientKey = Curve25519.GenerateKeyPair();
        using var initiator = new NoiseInitiator(clientKey, server.TrustingOptions);
        using var responder = server.NewResponder();

        responder.ReadClientHello(initiator.CreateClientHello());
        initiator.ReadServerHello(responder.CreateServerHello());
        var payload = responder.ReadClientFinish(initiator.CreateClientFinish(Payload));

        Assert.Equal(Payload, payload);
        Assert.Equal(clientKey.PublicKey.ToArray(), responder.ClientStaticKey.ToArray());
        Assert.Equal(server.StaticKey.PublicKey.ToArray(), initiator.ServerStaticKey.ToArray());
        using var clientTransport = initiator.Split();
        using var serverTransport = responder.Split();
        Assert.Equal("hello"u8.ToArray(), serverTransport.Receiver.Decrypt(clientTransport.Sender.Encrypt("hello"u8)));
        Assert.Equal("world"u8.ToArray(), clientTransport.Receiver.Decrypt(serverTransport.Sender.Encrypt("world"u8)));
    }

    [Fact]
    public void A_client_trusting_another_root_refuses_the_chain()
    {
        var server = new NoiseTestServer();
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), new NoiseClientOptions { RootPublicKey = Curve25519.GenerateKeyPair().PublicKey });

        var failure = AssertCertificateRefused(server, initiator);

        Assert.Equal(CertificateFailure.UntrustedRoot, failure);
    }

    [Fact]
    public void The_default_root_is_WhatsApps_and_refuses_a_test_chain()
    {
        var server = new NoiseTestServer();
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair());

        Assert.Equal(CertificateFailure.UntrustedRoot, AssertCertificateRefused(server, initiator));
        Assert.Equal("142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b", Convert.ToHexStringLower(new NoiseClientOptions().RootPublicKey.Span));
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var server = new NoiseTestServer();
        server.Chain = server.Authority.IssueChain(server.StaticKey.PublicKey.Span, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddSeconds(-5));
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions);

        Assert.Equal(CertificateFailure.Expired, AssertCertificateRefused(server, initiator));
    }

    [Fact]
    public void A_certificate_not_yet_valid_is_refused()
    {
        var server = new NoiseTestServer();
        server.Chain = server.Authority.IssueChain(server.StaticKey.PublicKey.Span, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddDays(30));
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions);

        Assert.Equal(CertificateFailure.NotYetValid, AssertCertificateRefused(server, initiator));
    }

    [Fact]
    public void A_leaf_for_another_key_than_the_server_static_key_is_refused()
    {
        var server = new NoiseTestServer();
        server.Chain = server.Authority.IssueChain(Curve25519.GenerateKeyPair().PublicKey.Span, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions);

        Assert.Equal(CertificateFailure.LeafKeyMismatch, AssertCertificateRefused(server, initiator));
    }

    [Fact]
    public void A_chain_that_is_not_a_CertChain_is_malformed()
    {
        var server = new NoiseTestServer { Chain = [0xFF, 0xFF, 0xFF] };
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions);

        Assert.Equal(CertificateFailure.Malformed, AssertCertificateRefused(server, initiator));
    }

    [Fact]
    public void Every_tampered_byte_of_the_ServerHello_fails_the_handshake_with_a_typed_error()
    {
        var server = new NoiseTestServer();
        var clientKey = Curve25519.GenerateKeyPair();
        var clientEphemeral = Curve25519.GenerateKeyPair();
        var serverEphemeral = Curve25519.GenerateKeyPair();
        byte[] serverHello;
        using (var initiator = new NoiseInitiator(clientKey, server.TrustingOptions, clientEphemeral))
        using (var responder = new NoiseResponder(server.StaticKey, server.Chain, serverEphemeral))
        {
            responder.ReadClientHello(initiator.CreateClientHello());
            serverHello = responder.CreateServerHello();
        }

        for (var i = 0; i < serverHello.Length; i++)
        {
            var tampered = (byte[])serverHello.Clone();
            tampered[i] ^= 0x01;
            using var initiator = new NoiseInitiator(clientKey, server.TrustingOptions, clientEphemeral);
            initiator.CreateClientHello();
            var error = Record.Exception(() => initiator.ReadServerHello(tampered));
            Assert.True(error is NoiseHandshakeException, $"byte {i}: {error?.GetType().Name ?? "no error"}");
        }
    }

    [Fact]
    public void A_tampered_ClientFinish_is_refused_by_the_responder()
    {
        var server = new NoiseTestServer();
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions);
        using var responder = server.NewResponder();
        responder.ReadClientHello(initiator.CreateClientHello());
        initiator.ReadServerHello(responder.CreateServerHello());
        var finish = initiator.CreateClientFinish(Payload);
        finish[^3] ^= 0x80;

        Assert.Throws<NoiseHandshakeException>(() => responder.ReadClientFinish(finish));
    }

    [Fact]
    public void Handshake_steps_out_of_order_are_a_programming_error()
    {
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair());

        Assert.Throws<InvalidOperationException>(() => initiator.CreateClientFinish(Payload));
        Assert.Throws<InvalidOperationException>(() => initiator.Split());
    }

    [Fact]
    public void A_ClientHello_without_a_32_byte_ephemeral_is_refused()
    {
        var server = new NoiseTestServer();
        using var responder = server.NewResponder();

        Assert.Throws<NoiseHandshakeException>(() => responder.ReadClientHello([0x12, 0x02, 0x0A, 0x00]));
        Assert.Throws<NoiseHandshakeException>(() => server.NewResponder().ReadClientHello([0xFF]));
    }

    private static CertificateFailure AssertCertificateRefused(NoiseTestServer server, NoiseInitiator initiator)
    {
        using var responder = server.NewResponder();
        responder.ReadClientHello(initiator.CreateClientHello());
        var hello = responder.CreateServerHello();
        return Assert.Throws<NoiseCertificateException>(() => initiator.ReadServerHello(hello)).Failure;
    }
}
