using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class LinkCodePairingTests
{
    private readonly AccountIdentity _account = AccountIdentity.Generate();

    [Fact]
    public void Phone_and_companion_with_the_same_code_derive_the_same_adv_secret()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");

        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCD-EFGH", companion.Hello());
        var (bundle, companionAdvSecret) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, hello.PrimaryIdentityPublicKey.Span);
        var result = LinkCodePairing.Finish(_account, hello, bundle, companion.Identity.PublicKey.Span);

        Assert.Equal(companion.Ephemeral.PublicKey.ToArray(), hello.CompanionEphemeralPublicKey.ToArray());
        Assert.Equal(_account.PublicKey.ToArray(), hello.PrimaryIdentityPublicKey.ToArray());
        Assert.Equal(80, hello.WrappedPrimaryEphemeral.Length);
        Assert.Equal(companionAdvSecret, result.AdvSecret.ToArray());
        Assert.Equal(companion.Identity.PublicKey.ToArray(), result.CompanionIdentityPublicKey.ToArray());
    }

    [Fact]
    public void Adv_secret_from_pairing_by_code_issues_an_identity_the_companion_accepts()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");
        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", companion.Hello());
        var (bundle, companionAdvSecret) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, hello.PrimaryIdentityPublicKey.Span);
        var result = LinkCodePairing.Finish(_account, hello, bundle, companion.Identity.PublicKey.Span);

        var issued = PairSuccess.IssueDeviceIdentity(_account, result.CompanionIdentityPublicKey.Span, result.AdvSecret.Span, 1, DateTimeOffset.UtcNow);

        var linked = new TestCompanion(companion.Identity, companionAdvSecret);
        var reply = TestCompanion.Reply("p1", linked.Accept(issued.DeviceIdentity));
        Assert.Equal(1U, PairDeviceSign.Verify(issued, reply).KeyIndex);
    }

    [Fact]
    public void Phone_given_a_wrong_code_fails_at_the_key_bundle()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");

        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGJ", companion.Hello());
        var e = Assert.Throws<PairingCodeException>(() =>
        {
            // The companion cannot unwrap the phone's key either; it still answers with some bundle.
            var (bundle, _) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, hello.PrimaryIdentityPublicKey.Span);
            LinkCodePairing.Finish(_account, hello, bundle, companion.Identity.PublicKey.Span);
        });

        Assert.Equal(PairingCodeFailure.KeyBundleDecryptionFailed, e.Failure);
    }

    [Fact]
    public void Tampered_key_bundle_fails_to_decrypt()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");
        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", companion.Hello());
        var (bundle, _) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, hello.PrimaryIdentityPublicKey.Span);
        bundle[60] ^= 0x01;

        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(_account, hello, bundle, companion.Identity.PublicKey.Span));
        Assert.Equal(PairingCodeFailure.KeyBundleDecryptionFailed, e.Failure);
    }

    [Fact]
    public void Bundle_naming_another_companion_identity_is_an_identity_mismatch()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");
        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", companion.Hello());
        var other = Curve25519.GenerateKeyPair().PublicKey.ToArray();
        var (bundle, _) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, hello.PrimaryIdentityPublicKey.Span, bundleIdentityOverride: other);

        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(_account, hello, bundle, companion.Identity.PublicKey.Span));
        Assert.Equal(PairingCodeFailure.IdentityMismatch, e.Failure);
    }

    [Fact]
    public void Bundle_for_another_primary_identity_is_an_identity_mismatch()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");
        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", companion.Hello());
        var (bundle, _) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, AccountIdentity.Generate().PublicKey.Span);

        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(_account, hello, bundle, companion.Identity.PublicKey.Span));
        Assert.Equal(PairingCodeFailure.IdentityMismatch, e.Failure);
    }

    [Theory]
    [InlineData(155)]
    [InlineData(157)]
    [InlineData(0)]
    public void Key_bundle_of_the_wrong_length_is_malformed(int length)
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");
        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", companion.Hello());

        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(_account, hello, new byte[length], companion.Identity.PublicKey.Span));
        Assert.Equal(PairingCodeFailure.MalformedKeyBundle, e.Failure);
    }

    [Fact]
    public void Hello_with_an_invalid_code_or_a_short_wrapped_key_is_refused()
    {
        Assert.Equal(PairingCodeFailure.InvalidCode, Assert.Throws<PairingCodeException>(() => LinkCodePairing.AnswerCompanionHello(_account, "abcdefgh", new byte[80])).Failure);
        Assert.Equal(PairingCodeFailure.MalformedWrappedKey, Assert.Throws<PairingCodeException>(() => LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", new byte[48])).Failure);
    }

    [Fact]
    public void Companion_identity_of_the_wrong_length_is_an_invalid_public_key()
    {
        var companion = new TestLinkCodeCompanion("ABCDEFGH");
        var hello = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGH", companion.Hello());
        var (bundle, _) = companion.Finish(hello.WrappedPrimaryEphemeral.Span, hello.PrimaryIdentityPublicKey.Span);

        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(_account, hello, bundle, new byte[31]));
        Assert.Equal(PairingCodeFailure.InvalidPublicKey, e.Failure);
    }
}
