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
}
