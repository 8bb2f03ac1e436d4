using System.Text;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class XEdDsaTests
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("certificate details");

    [Fact]
    public void A_signature_verifies_under_its_key()
    {
        for (var i = 0; i < 50; i++)
        {
            // Fifty keys cover both values of the Edwards sign bit many times over.
            var key = Curve25519.GenerateKeyPair();
            var signature = XEdDsa.Sign(key.PrivateKey.Span, Message);

            Assert.Equal(64, signature.Length);
            Assert.True(XEdDsa.Verify(key.PublicKey.Span, Message, signature));
        }
    }

    [Fact]
    public void Signing_is_deterministic_for_fixed_randomness_and_differs_otherwise()
    {
        var key = Curve25519.GenerateKeyPair();
        var random = new byte[64];
        var first = new byte[64];
        var second = new byte[64];

        XEdDsa.Sign(key.PrivateKey.Span, Message, random, first);
        XEdDsa.Sign(key.PrivateKey.Span, Message, random, second);

        Assert.Equal(first, second);
        Assert.NotEqual(first, XEdDsa.Sign(key.PrivateKey.Span, Message));
    }

    [Fact]
    public void Every_single_bit_flip_of_message_or_signature_fails()
    {
        var key = Curve25519.GenerateKeyPair();
        var signature = XEdDsa.Sign(key.PrivateKey.Span, Message);

        for (var bit = 0; bit < signature.Length * 8; bit++)
        {
            var tampered = (byte[])signature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(XEdDsa.Verify(key.PublicKey.Span, Message, tampered), $"signature bit {bit}");
        }

        for (var bit = 0; bit < Message.Length * 8; bit++)
        {
            var tampered = (byte[])Message.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(XEdDsa.Verify(key.PublicKey.Span, tampered, signature), $"message bit {bit}");
        }
    }

    [Fact]
    public void Another_key_or_malformed_input_does_not_verify()
    {
        var key = Curve25519.GenerateKeyPair();
        var signature = XEdDsa.Sign(key.PrivateKey.Span, Message);

        Assert.False(XEdDsa.Verify(Curve25519.GenerateKeyPair().PublicKey.Span, Message, signature));
        Assert.False(XEdDsa.Verify(key.PublicKey.Span[..31], Message, signature));
        Assert.False(XEdDsa.Verify(key.PublicKey.Span, Message, signature.AsSpan(0, 63)));
        Assert.False(XEdDsa.Verify(new byte[32], Message, signature));
    }
}
