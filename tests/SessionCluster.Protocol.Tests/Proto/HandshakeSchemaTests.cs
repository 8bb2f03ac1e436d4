using Google.Protobuf;
using SessionCluster.Protocol.Wa.Handshake;
using static SessionCluster.Protocol.Tests.Proto.ProtoAssert;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// handshake.proto: HandshakeMessage and the server's CertChain (docs/PROTOCOL.md §2).
/// Golden hex was computed with Baileys 7.0.0-rc14's protobufjs encoder
/// (WAProto/index.js) by <c>baileys-golden.mjs</c> in this folder.
/// </summary>
public sealed class HandshakeSchemaTests
{
    // proto.HandshakeMessage.encode({ clientHello: { ephemeral: seq(0x01, 32) } })
    private const string ClientHelloHex =
        "12220a200102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

    // proto.CertChain.NoiseCertificate.Details.encode({ serial: 12345, issuerSerial: 0,
    //   key: seq(0x40, 32), notBefore: 1700000000, notAfter: 1800000000 })
    private const string CertDetailsHex =
        "08b96010001a20404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
        "2080e2cfaa062880a4a7da06";

    // proto.CertChain.encode({ leaf: { details: seq(0xa0, 4), signature: seq(0xb0, 64) },
    //   intermediate: { details: seq(0xc0, 4), signature: seq(0xd0, 64) } })
    private const string CertChainHex =
        "0a480a04a0a1a2a31240b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf" +
        "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef12480a04c0c1c2c31240" +
        "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9" +
        "fafbfcfdfeff000102030405060708090a0b0c0d0e0f";

    [Fact]
    public void ClientHelloWithEphemeral_EncodesLikeBaileys()
    {
        var hello = new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = SeqBytes(0x01, 32) },
        };

        EncodesTo(ClientHelloHex, hello);
    }

    [Fact]
    public void ClientHelloFromBaileys_DecodesToEphemeralOnly()
    {
        var hello = Decode<HandshakeMessage>(ClientHelloHex);

        Assert.NotNull(hello.ClientHello);
        Assert.Null(hello.ServerHello);
        Assert.Null(hello.ClientFinish);
        Assert.Equal(Seq(0x01, 32), hello.ClientHello.Ephemeral.ToByteArray());
        Assert.False(hello.ClientHello.HasStatic);
        Assert.False(hello.ClientHello.HasPqMode);
    }

    [Fact]
    public void ServerHelloAndClientFinish_RoundTrip()
    {
        var serverHello = new HandshakeMessage
        {
            ServerHello = new HandshakeMessage.Types.ServerHello
            {
                Ephemeral = SeqBytes(0x01, 32),
                Static = SeqBytes(0x21, 48),
                Payload = SeqBytes(0x51, 300),
            },
        };
        var clientFinish = new HandshakeMessage
        {
            ClientFinish = new HandshakeMessage.Types.ClientFinish
            {
                Static = SeqBytes(0x61, 48),
                Payload = SeqBytes(0x91, 200),
            },
        };
        var postQuantumHello = new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello
            {
                Ephemeral = SeqBytes(0x01, 32),
                UseExtended = true,
                PqMode = HandshakeMessage.Types.HandshakePqMode.XxkemEph,
                ExtendedEphemeral = SeqBytes(0x30, 16),
            },
        };

        Assert.Equal(300, RoundTrip(serverHello).ServerHello.Payload.Length);
        Assert.Equal(200, RoundTrip(clientFinish).ClientFinish.Payload.Length);
        Assert.Equal(HandshakeMessage.Types.HandshakePqMode.XxkemEph, RoundTrip(postQuantumHello).ClientHello.PqMode);
    }

    [Fact]
    public void CertDetails_EncodesLikeBaileys_IncludingExplicitZeroIssuerSerial()
    {
        var details = new CertChain.Types.NoiseCertificate.Types.Details
        {
            Serial = 12345,
            IssuerSerial = 0,
            Key = SeqBytes(0x40, 32),
            NotBefore = 1700000000,
            NotAfter = 1800000000,
        };

        EncodesTo(CertDetailsHex, details);
    }

    [Fact]
    public void CertDetailsFromBaileys_DecodesEveryField()
    {
        var details = Decode<CertChain.Types.NoiseCertificate.Types.Details>(CertDetailsHex);

        Assert.Equal(12345u, details.Serial);
        Assert.True(details.HasIssuerSerial);
        Assert.Equal(0u, details.IssuerSerial);
        Assert.Equal(Seq(0x40, 32), details.Key.ToByteArray());
        Assert.Equal(1700000000ul, details.NotBefore);
        Assert.Equal(1800000000ul, details.NotAfter);
    }

    [Fact]
    public void CertChain_EncodesLikeBaileys()
    {
        var chain = new CertChain
        {
            Leaf = new CertChain.Types.NoiseCertificate { Details = SeqBytes(0xa0, 4), Signature = SeqBytes(0xb0, 64) },
            Intermediate = new CertChain.Types.NoiseCertificate { Details = SeqBytes(0xc0, 4), Signature = SeqBytes(0xd0, 64) },
        };

        EncodesTo(CertChainHex, chain);
        var decoded = Decode<CertChain>(CertChainHex);
        Assert.Equal(Seq(0xb0, 64), decoded.Leaf.Signature.ToByteArray());
        Assert.Equal(Seq(0xc0, 4), decoded.Intermediate.Details.ToByteArray());
    }

    [Fact]
    public void CertChainWithRealisticDetails_RoundTrips()
    {
        var intermediate = new CertChain.Types.NoiseCertificate.Types.Details
        {
            Serial = 1, IssuerSerial = 0, Key = SeqBytes(0x10, 32), NotBefore = 1700000000, NotAfter = 1900000000,
        };
        var leaf = new CertChain.Types.NoiseCertificate.Types.Details
        {
            Serial = 77, IssuerSerial = 1, Key = SeqBytes(0x30, 32), NotBefore = 1700000000, NotAfter = 1800000000,
        };
        var chain = new CertChain
        {
            Leaf = new CertChain.Types.NoiseCertificate { Details = leaf.ToByteString(), Signature = SeqBytes(0x50, 64) },
            Intermediate = new CertChain.Types.NoiseCertificate { Details = intermediate.ToByteString(), Signature = SeqBytes(0x90, 64) },
        };

        var parsed = RoundTrip(chain);
        var parsedLeaf = CertChain.Types.NoiseCertificate.Types.Details.Parser.ParseFrom(parsed.Leaf.Details);
        Assert.Equal(leaf, parsedLeaf);
        Assert.Equal(1u, parsedLeaf.IssuerSerial);
    }

    [Fact]
    public void LegacyNoiseCertificate_RoundTripsWithItsOwnDetails()
    {
        var details = new NoiseCertificate.Types.Details
        {
            Serial = 3, Issuer = "WhatsAppLongTerm1", Expires = 1800000000, Subject = "WhatsAppLongTerm1", Key = SeqBytes(0x01, 32),
        };
        var certificate = new NoiseCertificate { Details = details.ToByteString(), Signature = SeqBytes(0x40, 64) };

        var parsed = RoundTrip(certificate);
        Assert.Equal("WhatsAppLongTerm1", NoiseCertificate.Types.Details.Parser.ParseFrom(parsed.Details).Issuer);
    }
}
