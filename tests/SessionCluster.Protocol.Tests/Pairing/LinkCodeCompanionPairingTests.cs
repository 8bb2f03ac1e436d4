using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class LinkCodeCompanionPairingTests
{
    [Fact]
    public void A_code_outside_the_alphabet_is_refused_before_any_key_is_made()
    {
        var e = Assert.Throws<PairingCodeException>(() => LinkCodeCompanionPairing.Hello("ABCD-EFG0"));
        Assert.Equal(PairingCodeFailure.InvalidCode, e.Failure);
    }

    [Fact]
    public void The_hello_wraps_the_ephemeral_key_so_the_same_code_unwraps_it()
    {
        var hello = LinkCodeCompanionPairing.Hello("ABCD-EFGH");

        Assert.Equal(PairingCode.WrappedKeyLength, hello.WrappedEphemeral.Length);
        Assert.Equal(hello.Ephemeral.PublicKey.ToArray(), PairingCode.UnwrapEphemeral("ABCDEFGH", hello.WrappedEphemeral.Span));
        Assert.DoesNotContain("ABCD", hello.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_primary_identity_that_is_not_32_bytes_is_an_invalid_public_key()
    {
        var hello = LinkCodeCompanionPairing.Hello("ABCDEFGH");
        var wrapped = PairingCode.WrapEphemeral("ABCDEFGH", Curve25519.GenerateKeyPair().PublicKey.Span);

        var e = Assert.Throws<PairingCodeException>(() => LinkCodeCompanionPairing.Finish(hello, Curve25519.GenerateKeyPair(), wrapped, new byte[31]));
        Assert.Equal(PairingCodeFailure.InvalidPublicKey, e.Failure);
    }

    [Fact]
    public void The_overloads_taking_a_random_source_draw_the_code_the_ephemeral_and_the_bundle_from_it()
    {
        var code = PairingCode.Generate(new CountingRandom());
        Assert.Equal(PairingCode.Encode([0, 1, 2, 3, 4]), code);

        var first = LinkCodeCompanionPairing.Hello(code, new CountingRandom());
        var second = LinkCodeCompanionPairing.Hello(code, new CountingRandom());
        Assert.Equal(first.WrappedEphemeral.ToArray(), second.WrappedEphemeral.ToArray());
        Assert.Equal(first.Ephemeral.PublicKey.ToArray(), second.Ephemeral.PublicKey.ToArray());

        var identity = Curve25519.GenerateKeyPair();
        var primaryEphemeral = PairingCode.WrapEphemeral(code, Curve25519.GenerateKeyPair().PublicKey.Span);
        var primaryIdentity = Curve25519.GenerateKeyPair().PublicKey;
        var a = LinkCodeCompanionPairing.Finish(first, identity, primaryEphemeral, primaryIdentity.Span, new CountingRandom());
        var b = LinkCodeCompanionPairing.Finish(first, identity, primaryEphemeral, primaryIdentity.Span, new CountingRandom());
        Assert.Equal(a.WrappedKeyBundle.ToArray(), b.WrappedKeyBundle.ToArray());
        Assert.Equal(a.AdvSecret.ToArray(), b.AdvSecret.ToArray());
    }

    /// <summary>A predictable source (0, 1, 2, ... across draws): two instances give the same bytes.</summary>
    private sealed class CountingRandom : System.Security.Cryptography.RandomNumberGenerator
    {
        private byte _next;

        public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

        public override void GetBytes(Span<byte> data)
        {
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = _next++;
            }
        }
    }
}
