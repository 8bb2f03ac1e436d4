using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Signal.SenderKeyProto;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>The hand-written SenderKeyMessage codec against the generated protobuf and the wire layout of docs/PROTOCOL.md §11.</summary>
public sealed class SenderKeyMessageTests
{
    private static readonly byte[] MessageKey = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(0u, 0u, 0)]
    [InlineData(127u, 128u, 15)]
    [InlineData(0x7FFFFFFFu, 300u, 16)]
    [InlineData(uint.MaxValue, uint.MaxValue, 1000)]
    public void The_written_body_is_the_generated_protobuf_encoding(uint keyId, uint iteration, int plaintextLength)
    {
        var signingKey = Curve25519.GenerateKeyPair();
        var message = SenderKeyMessage.Create(keyId, iteration, MessageKey, new byte[plaintextLength], signingKey.PrivateKey.Span);

        var parsed = SenderKeyMessage.Parse(message);
        var expectedBody = new SenderKeyMessageBody { Id = keyId, Iteration = iteration, Ciphertext = ByteString.CopyFrom(parsed.Ciphertext) }.ToByteArray();

        Assert.Equal(0x33, message[0]);
        Assert.Equal(expectedBody, message[1..^64]);
        Assert.Equal(keyId, parsed.KeyId);
        Assert.Equal(iteration, parsed.Iteration);
        Assert.Equal((plaintextLength / 16 + 1) * 16, parsed.Ciphertext.Length);
        Assert.True(XEdDsa.Verify(signingKey.PublicKey.Span, message.AsSpan(0, message.Length - 64), message.AsSpan(message.Length - 64)));
    }

    [Fact]
    public void Fields_in_any_order_and_unknown_fields_parse()
    {
        // iteration 5, an unknown varint (field 9), ciphertext 3 bytes, unknown fixed32 (10), fixed64 (11),
        // bytes (12), then key id 300.
        var body = Convert.FromHexString("1005" + "4801" + "1a03aabbcc" + "5501020304" + "590102030405060708" + "620100" + "08ac02");
        var parsed = SenderKeyMessage.Parse([0x33, .. body, .. new byte[64]]);

        Assert.Equal(300u, parsed.KeyId);
        Assert.Equal(5u, parsed.Iteration);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, parsed.Ciphertext.ToArray());
        Assert.Equal(1 + body.Length, parsed.Signed.Length);
    }

    [Theory]
    [InlineData("1005" + "1a0100", "no key id")]
    [InlineData("0801" + "1a0100", "no iteration")]
    [InlineData("0801" + "1005", "no ciphertext")]
    [InlineData("0801" + "1005" + "1a05aabb", "ciphertext runs past the end")]
    [InlineData("0801" + "1005" + "1a0100" + "0a00", "field 1 as bytes")]
    [InlineData("0801" + "1005" + "1a0100" + "18", "field 3 as a varint")]
    [InlineData("0801" + "1005" + "1a0100" + "0880", "truncated varint")]
    [InlineData("088080808010" + "1005" + "1a0100", "key id above 32 bits")]
    [InlineData("0801" + "1005" + "1a0100" + "0001", "field number 0")]
    [InlineData("0801" + "1005" + "1a0100" + "4b", "group start")]
    [InlineData("0801" + "1005" + "1a0100" + "5d0102", "truncated fixed32")]
    [InlineData("08ffffffffffffffffff7f", "varint longer than 10 bytes")]
    public void Malformed_bodies_are_InvalidMessage(string bodyHex, string because)
    {
        var message = (byte[])[0x33, .. Convert.FromHexString(bodyHex), .. new byte[64]];
        var error = Assert.Throws<SignalDecryptException>(() => { _ = SenderKeyMessage.Parse(message); });
        Assert.True(error.Failure == DecryptFailure.InvalidMessage, because);
    }

    [Fact]
    public void Shorter_than_a_version_byte_and_a_signature_is_InvalidMessage()
    {
        var error = Assert.Throws<SignalDecryptException>(() => { _ = SenderKeyMessage.Parse(new byte[64]); });
        Assert.Equal(DecryptFailure.InvalidMessage, error.Failure);
    }
}
