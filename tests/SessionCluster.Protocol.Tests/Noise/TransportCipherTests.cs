using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

public sealed class TransportCipherTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void The_nonce_is_the_big_endian_counter_in_the_last_four_bytes()
    {
        // AES-GCM(key, nonce 00..00 00000001, AAD empty) computed independently with .NET's AesGcm.
        using var cipher = new TransportCipher(Key);
        cipher.Encrypt("first"u8);
        var second = cipher.Encrypt("second"u8);

        using var aes = new System.Security.Cryptography.AesGcm(Key, 16);
        var nonce = new byte[12];
        nonce[11] = 1;
        var expected = new byte["second"u8.Length + 16];
        aes.Encrypt(nonce, "second"u8, expected.AsSpan(0, 6), expected.AsSpan(6));
        Assert.Equal(expected, second);
        Assert.Equal(2u, cipher.Counter);
    }

    [Fact]
    public void A_tampered_frame_fails_with_a_typed_error_and_leaves_the_counter_unchanged()
    {
        using var sender = new TransportCipher(Key);
        using var receiver = new TransportCipher(Key);
        var frame = sender.Encrypt("payload"u8);

        for (var i = 0; i < frame.Length; i++)
        {
            var tampered = (byte[])frame.Clone();
            tampered[i] ^= 0x20;
            Assert.Throws<NoiseTransportException>(() => receiver.Decrypt(tampered));
            Assert.Equal(0u, receiver.Counter);
        }

        Assert.Equal("payload"u8.ToArray(), receiver.Decrypt(frame));
        Assert.Equal(1u, receiver.Counter);
    }

    [Fact]
    public void A_frame_replayed_or_out_of_order_fails()
    {
        using var sender = new TransportCipher(Key);
        using var receiver = new TransportCipher(Key);
        var first = sender.Encrypt("1"u8);
        var second = sender.Encrypt("2"u8);

        Assert.Throws<NoiseTransportException>(() => receiver.Decrypt(second));
        receiver.Decrypt(first);
        Assert.Throws<NoiseTransportException>(() => receiver.Decrypt(first));
        Assert.Equal("2"u8.ToArray(), receiver.Decrypt(second));
    }

    [Fact]
    public void A_frame_shorter_than_the_tag_fails()
    {
        using var receiver = new TransportCipher(Key);

        Assert.Throws<NoiseTransportException>(() => receiver.Decrypt(new byte[15]));
    }
}
