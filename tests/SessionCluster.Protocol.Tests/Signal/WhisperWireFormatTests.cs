using Google.Protobuf;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>The bytes we write are the bytes libsignal-node's protobufjs writes (they are MAC'd).</summary>
public sealed class WhisperWireFormatTests
{
    [Theory]
    [InlineData(0u, 0u, 0)]
    [InlineData(1u, 0u, 15)]
    [InlineData(127u, 128u, 16)]
    [InlineData(128u, 16_383u, 100)]
    [InlineData(16_384u, 2_097_151u, 2_000)]
    [InlineData(268_435_456u, uint.MaxValue, 1)]
    public void A_sealed_message_is_the_protobuf_encoding_of_its_fields_between_version_and_MAC(uint counter, uint previousCounter, int plaintextLength)
    {
        var ratchetKey = Filled(32, 0x42);
        var keys = Filled(80, 0x17);
        var sealedMessage = WhisperMessage.Seal(ratchetKey, counter, previousCounter, keys, new byte[plaintextLength], Filled(32, 1), Filled(32, 2));

        var parsed = WhisperMessage.Parse(sealedMessage);
        var reference = new Protocol.Signal.Proto.WhisperMessage
        {
            RatchetKey = ByteString.CopyFrom([0x05, .. ratchetKey]),
            Counter = counter,
            PreviousCounter = previousCounter,
            Ciphertext = ByteString.CopyFrom(parsed.Ciphertext.Span),
        };

        Assert.Equal(WhisperMessage.VersionByte, sealedMessage[0]);
        Assert.Equal(reference.ToByteArray(), sealedMessage[1..^WhisperMessage.MacSize]);
        Assert.Equal(counter, parsed.Counter);
        Assert.Equal(previousCounter, parsed.PreviousCounter);
        Assert.Equal(ratchetKey, parsed.RatchetKey);
        Assert.Equal((plaintextLength / 16 + 1) * 16, parsed.Ciphertext.Length);
    }

    [Fact]
    public void The_MAC_covers_sender_identity_receiver_identity_version_and_protobuf()
    {
        var keys = Filled(80, 0x17);
        var sender = Filled(32, 1);
        var receiver = Filled(32, 2);
        var sealedMessage = WhisperMessage.Seal(Filled(32, 0x42), 3, 1, keys, "payload"u8, sender, receiver);

        byte[] macInput = [0x05, .. sender, 0x05, .. receiver, 0x33, .. sealedMessage[1..^8]];
        var expected = System.Security.Cryptography.HMACSHA256.HashData(keys.AsSpan(32, 32), macInput)[..8];

        Assert.Equal(expected, sealedMessage[^8..]);
        Assert.Equal("payload"u8.ToArray(), WhisperMessage.Parse(sealedMessage).Open(keys, sender, receiver));
        Assert.Equal(
            DecryptFailure.InvalidMac,
            Assert.Throws<SignalDecryptException>(() => WhisperMessage.Parse(sealedMessage).Open(keys, receiver, sender)).Failure);
    }

    [Fact]
    public void Fields_in_another_order_or_repeated_still_parse_as_protobuf_readers_do()
    {
        var ratchetKey = Filled(32, 0x42);
        var keys = Filled(80, 0x17);
        var sealedMessage = WhisperMessage.Seal(ratchetKey, 5, 2, keys, "x"u8, Filled(32, 1), Filled(32, 2));
        var proto = sealedMessage[1..^8];

        // previousCounter first and counter twice (the last one wins), with an unknown field on the end.
        byte[] reordered = [0x33, 0x18, 0x02, 0x10, 0x63, .. proto, 0x40, 0x01, .. sealedMessage[^8..]];
        var parsed = WhisperMessage.Parse(reordered);

        Assert.Equal(5u, parsed.Counter);
        Assert.Equal(2u, parsed.PreviousCounter);
        Assert.Equal(ratchetKey, parsed.RatchetKey);
    }

    [Fact]
    public void A_missing_required_field_or_a_non_canonical_key_is_InvalidMessage()
    {
        byte[] noCounter = [0x33, 0x0a, 0x21, 0x05, .. Filled(32, 0x42), 0x22, 0x10, .. Filled(16, 0), .. Filled(8, 0)];
        byte[] highBitKey = [0x33, 0x0a, 0x21, 0x05, .. Filled(31, 0x42), 0xc2, 0x10, 0x00, 0x22, 0x10, .. Filled(16, 0), .. Filled(8, 0)];
        byte[] shortKey = [0x33, 0x0a, 0x20, .. Filled(32, 0x42), 0x10, 0x00, 0x22, 0x10, .. Filled(16, 0), .. Filled(8, 0)];

        Assert.Equal(DecryptFailure.InvalidMessage, Assert.Throws<SignalDecryptException>(() => WhisperMessage.Parse(noCounter)).Failure);
        Assert.Equal(DecryptFailure.InvalidMessage, Assert.Throws<SignalDecryptException>(() => WhisperMessage.Parse(highBitKey)).Failure);
        Assert.Equal(DecryptFailure.InvalidMessage, Assert.Throws<SignalDecryptException>(() => WhisperMessage.Parse(shortKey)).Failure);
    }

    private static byte[] Filled(int length, byte value)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        return bytes;
    }
}
