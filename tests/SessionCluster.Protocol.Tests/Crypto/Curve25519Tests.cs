using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class Curve25519Tests
{
    [Fact]
    public void X25519_matches_the_RFC_7748_test_vector()
    {
        var alice = Curve25519.FromPrivateKey(Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        var bob = Curve25519.FromPrivateKey(Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));

        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alice.PublicKey.Span));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bob.PublicKey.Span));
        var expected = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(expected, Convert.ToHexStringLower(Curve25519.SharedSecret(alice.PrivateKey.Span, bob.PublicKey.Span)));
        Assert.Equal(expected, Convert.ToHexStringLower(Curve25519.SharedSecret(bob.PrivateKey.Span, alice.PublicKey.Span)));
    }

    [Fact]
    public void Generated_keys_are_clamped_and_agree()
    {
        var a = Curve25519.GenerateKeyPair();
        var b = Curve25519.GenerateKeyPair();

        Assert.Equal(0, a.PrivateKey.Span[0] & 7);
        Assert.Equal(64, a.PrivateKey.Span[31] & 0xC0);
        Assert.Equal(Curve25519.SharedSecret(a.PrivateKey.Span, b.PublicKey.Span), Curve25519.SharedSecret(b.PrivateKey.Span, a.PublicKey.Span));
    }

    [Fact]
    public void A_low_order_public_key_is_refused()
    {
        var key = Curve25519.GenerateKeyPair();
        var zeroPoint = new byte[32];

        Assert.Throws<CryptographicException>(() => Curve25519.SharedSecret(key.PrivateKey.Span, zeroPoint));
    }

    [Fact]
    public void Keys_of_the_wrong_length_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Curve25519.PublicKeyOf(new byte[31]));
        Assert.Throws<ArgumentException>(() => Curve25519.SharedSecret(new byte[32], new byte[33]));
    }

    [Fact]
    public void KeyPair_ToString_never_shows_the_private_key()
    {
        var key = Curve25519.GenerateKeyPair();

        Assert.DoesNotContain(Convert.ToHexStringLower(key.PrivateKey.Span), key.ToString());
    }
}
