using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Wa.Adv;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class CompanionPairSuccessTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_763_790_000);

    private readonly AccountIdentity _account = AccountIdentity.Generate();
    private readonly KeyPair _identity = Curve25519.GenerateKeyPair();
    private readonly byte[] _advSecret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void The_companions_reply_is_what_the_phone_accepts()
    {
        var issued = PairSuccess.IssueDeviceIdentity(_account, _identity.PublicKey.Span, _advSecret, 4, Now);

        var accepted = CompanionPairSuccess.Accept(issued.DeviceIdentity.Span, _advSecret, _identity);
        var verified = PairDeviceSign.Verify(issued, CompanionPairSuccess.BuildReply("p1", accepted));

        Assert.Equal(4u, accepted.KeyIndex);
        Assert.Equal(accepted.SignedDeviceIdentity.ToArray(), verified.SignedDeviceIdentity.ToArray());
        Assert.False(ADVSignedDeviceIdentity.Parser.ParseFrom(accepted.Answer.Span).HasAccountSignatureKey);
    }

    [Fact]
    public void An_identity_issued_for_another_companion_fails_the_account_signature()
    {
        var other = Curve25519.GenerateKeyPair();
        var issued = PairSuccess.IssueDeviceIdentity(_account, other.PublicKey.Span, _advSecret, 1, Now);

        var e = Assert.Throws<PairingVerificationException>(() => CompanionPairSuccess.Accept(issued.DeviceIdentity.Span, _advSecret, _identity));
        Assert.Equal(PairingVerificationFailure.BadAccountSignature, e.Failure);
    }

    [Fact]
    public void Bytes_that_are_not_a_device_identity_are_malformed()
    {
        var e = Assert.Throws<PairingVerificationException>(() => CompanionPairSuccess.Accept([0xFF, 0xFF, 0xFF], _advSecret, _identity));
        Assert.Equal(PairingVerificationFailure.MalformedProtobuf, e.Failure);
    }
}
