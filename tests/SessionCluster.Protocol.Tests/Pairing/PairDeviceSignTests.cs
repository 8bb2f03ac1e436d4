using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class PairDeviceSignTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_763_790_000);

    private readonly AccountIdentity _account = AccountIdentity.Generate();
    private readonly TestCompanion _companion = new();

    private IssuedDeviceIdentity Issue(uint keyIndex = 3) => PairSuccess.IssueDeviceIdentity(_account, _companion.Qr(), keyIndex, Now);

    [Fact]
    public void Issued_identity_carries_the_documented_details_and_a_valid_hmac_and_account_signature()
    {
        var issued = Issue(keyIndex: 7);

        var accepted = _companion.Accept(issued.DeviceIdentity);
        var details = ADVDeviceIdentity.Parser.ParseFrom(accepted.Details);
        Assert.Equal(_account.RawId, details.RawID);
        Assert.Equal(1_763_790_000UL, details.Timestamp);
        Assert.Equal(7U, details.KeyIndex);
        Assert.True(details.HasAccountType);
        Assert.Equal(ADVEncryptionType.E2Ee, details.AccountType);
        Assert.True(details.HasDeviceType);
        Assert.Equal(ADVEncryptionType.E2Ee, details.DeviceType);
        Assert.Equal(_account.PublicKey.ToArray(), accepted.AccountSignatureKey.ToByteArray());
        Assert.Equal(issued.Details.ToArray(), accepted.Details.ToByteArray());
        Assert.False(ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(issued.DeviceIdentity.Span).HasAccountType);
    }

    [Fact]
    public void Companion_with_another_adv_secret_sees_an_hmac_mismatch()
    {
        var issued = PairSuccess.IssueDeviceIdentity(_account, _companion.Identity.PublicKey.Span, new byte[32], 1, Now);

        var e = Assert.Throws<PairingVerificationException>(() => _companion.Accept(issued.DeviceIdentity));
        Assert.Equal(PairingVerificationFailure.HmacMismatch, e.Failure);
    }

    [Fact]
    public void Genuine_answer_verifies_and_yields_the_full_signed_identity_with_the_account_key()
    {
        var issued = Issue();
        var reply = TestCompanion.Reply("p1", _companion.Accept(issued.DeviceIdentity));

        var verified = PairDeviceSign.Verify(issued, reply);

        Assert.Equal(3U, verified.KeyIndex);
        var full = ADVSignedDeviceIdentity.Parser.ParseFrom(verified.SignedDeviceIdentity.Span);
        Assert.Equal(_account.PublicKey.ToArray(), full.AccountSignatureKey.ToByteArray());
        Assert.Equal(issued.Details.ToArray(), full.Details.ToByteArray());
        Assert.Equal(verified.DeviceSignature.ToArray(), full.DeviceSignature.ToByteArray());
        Assert.Equal(_companion.Identity.PublicKey.ToArray(), verified.CompanionIdentityKey.ToArray());
    }

    [Fact]
    public void The_pair_device_sign_node_alone_is_accepted_too()
    {
        var issued = Issue();
        var reply = TestCompanion.Reply("p1", _companion.Accept(issued.DeviceIdentity));

        Assert.Equal(3U, PairDeviceSign.Verify(issued, reply.GetChild("pair-device-sign")).KeyIndex);
    }

    [Fact]
    public void Device_signature_by_another_key_is_rejected_as_bad_device_signature()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        var impostor = Curve25519.GenerateKeyPair();
        byte[] message = [6, 1, .. issued.Details.Span, .. _companion.Identity.PublicKey.Span, .. _account.PublicKey.Span];
        accepted.DeviceSignature = ByteString.CopyFrom(XEdDsa.Sign(impostor.PrivateKey.Span, message));

        AssertRejected(PairingVerificationFailure.BadDeviceSignature, issued, TestCompanion.Reply("p1", accepted));
    }

    [Fact]
    public void Device_signature_with_the_account_prefix_is_rejected_as_bad_device_signature()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        byte[] message = [6, 0, .. issued.Details.Span, .. _companion.Identity.PublicKey.Span, .. _account.PublicKey.Span];
        accepted.DeviceSignature = ByteString.CopyFrom(XEdDsa.Sign(_companion.Identity.PrivateKey.Span, message));

        AssertRejected(PairingVerificationFailure.BadDeviceSignature, issued, TestCompanion.Reply("p1", accepted));
    }

    [Fact]
    public void Flipped_bit_in_the_device_signature_is_rejected()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        var signature = accepted.DeviceSignature.ToByteArray();
        signature[10] ^= 0x01;
        accepted.DeviceSignature = ByteString.CopyFrom(signature);

        AssertRejected(PairingVerificationFailure.BadDeviceSignature, issued, TestCompanion.Reply("p1", accepted));
    }

    [Fact]
    public void Missing_or_short_device_signature_is_rejected()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        var shortSignature = accepted.Clone();
        shortSignature.DeviceSignature = ByteString.CopyFrom(accepted.DeviceSignature.Span[..63]);
        var missing = accepted.Clone();
        missing.ClearDeviceSignature();

        AssertRejected(PairingVerificationFailure.BadDeviceSignature, issued, TestCompanion.Reply("p1", shortSignature));
        AssertRejected(PairingVerificationFailure.BadDeviceSignature, issued, TestCompanion.Reply("p1", missing));
    }

    [Fact]
    public void Changed_details_are_rejected_even_when_the_companion_signs_them()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        var details = ADVDeviceIdentity.Parser.ParseFrom(accepted.Details);
        details.Timestamp += 1;
        accepted.Details = details.ToByteString();
        byte[] message = [6, 1, .. accepted.Details.Span, .. _companion.Identity.PublicKey.Span, .. _account.PublicKey.Span];
        accepted.DeviceSignature = ByteString.CopyFrom(XEdDsa.Sign(_companion.Identity.PrivateKey.Span, message));

        AssertRejected(PairingVerificationFailure.DetailsChanged, issued, TestCompanion.Reply("p1", accepted, keyIndex: "3"));
    }

    [Fact]
    public void Changed_account_signature_is_rejected()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        var signature = accepted.AccountSignature.ToByteArray();
        signature[0] ^= 0x80;
        accepted.AccountSignature = ByteString.CopyFrom(signature);

        AssertRejected(PairingVerificationFailure.AccountSignatureChanged, issued, TestCompanion.Reply("p1", accepted));
    }

    [Fact]
    public void Answer_that_keeps_the_account_signature_key_is_rejected()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        var reply = new Node(
            "iq",
            [("to", "s.whatsapp.net"), ("type", "result"), ("id", "p1")],
            [new Node("pair-device-sign", null, [new Node("device-identity", [("key-index", "3")], accepted.ToByteArray())])]);

        AssertRejected(PairingVerificationFailure.AccountSignatureKeyPresent, issued, reply);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("0")]
    [InlineData("4294967295")]
    public void Key_index_other_than_the_issued_one_is_rejected_as_mismatch(string keyIndex)
    {
        var issued = Issue();
        var reply = TestCompanion.Reply("p1", _companion.Accept(issued.DeviceIdentity), keyIndex);

        AssertRejected(PairingVerificationFailure.KeyIndexMismatch, issued, reply);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-3")]
    [InlineData("+3")]
    [InlineData(" 3")]
    [InlineData("3.0")]
    [InlineData("0x3")]
    [InlineData("4294967296")]
    public void Key_index_that_is_not_a_decimal_uint_is_a_malformed_reply(string keyIndex)
    {
        var issued = Issue();
        var reply = TestCompanion.Reply("p1", _companion.Accept(issued.DeviceIdentity), keyIndex);

        AssertRejected(PairingVerificationFailure.MalformedReply, issued, reply);
    }

    [Fact]
    public void Missing_key_index_attribute_is_a_malformed_reply()
    {
        var issued = Issue();
        var accepted = _companion.Accept(issued.DeviceIdentity);
        accepted.ClearAccountSignatureKey();

        var e = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issued, accepted.ToByteArray(), null));
        Assert.Equal(PairingVerificationFailure.MalformedReply, e.Failure);
    }

    public static TheoryData<string> MalformedShapes() => new() { "error-iq", "two-children", "text-content", "no-device-identity", "wrong-tag" };

    [Theory]
    [MemberData(nameof(MalformedShapes))]
    public void Stanza_without_the_expected_shape_is_a_malformed_reply(string shape)
    {
        var issued = Issue();
        var content = _companion.Accept(issued.DeviceIdentity);
        content.ClearAccountSignatureKey();
        var identity = new Node("device-identity", [("key-index", "3")], content.ToByteArray());
        var sign = new Node("pair-device-sign", null, [identity]);
        Node reply = shape switch
        {
            "error-iq" => new Node("iq", [("type", "error"), ("id", "p1")], [sign]),
            "two-children" => new Node("iq", [("type", "result"), ("id", "p1")], [sign, new Node("extra")]),
            "text-content" => new Node("iq", [("type", "result"), ("id", "p1")], [new Node("pair-device-sign", null, [new Node("device-identity", [("key-index", "3")], "text")])]),
            "no-device-identity" => new Node("iq", [("type", "result"), ("id", "p1")], [new Node("pair-device-sign", null, [])]),
            _ => new Node("message", [("id", "p1")], [sign]),
        };

        AssertRejected(PairingVerificationFailure.MalformedReply, issued, reply);
    }

    [Fact]
    public void Bytes_that_are_not_a_protobuf_are_rejected_as_malformed_protobuf()
    {
        var issued = Issue();

        var garbage = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issued, [0xFF, 0xFF, 0xFF], "3"));
        var empty = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issued, [], "3"));

        Assert.Equal(PairingVerificationFailure.MalformedProtobuf, garbage.Failure);
        Assert.Equal(PairingVerificationFailure.MalformedProtobuf, empty.Failure);
    }

    [Fact]
    public void Answer_for_another_companions_issue_is_rejected()
    {
        var first = Issue();
        var second = PairSuccess.IssueDeviceIdentity(_account, new TestCompanion().Qr(), 3, Now);
        var reply = TestCompanion.Reply("p1", _companion.Accept(first.DeviceIdentity));

        Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(second, reply));
    }

    [Fact]
    public void Key_index_zero_and_wrong_key_lengths_cannot_be_issued()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Issue(keyIndex: 0));
        Assert.Throws<ArgumentException>(() => PairSuccess.IssueDeviceIdentity(_account, new byte[31], new byte[32], 1, Now));
        Assert.Throws<ArgumentException>(() => PairSuccess.IssueDeviceIdentity(_account, new byte[32], new byte[16], 1, Now));
    }

    [Fact]
    public void Pair_success_iq_has_the_documented_shape()
    {
        var issued = Issue();
        var device = new Jid("15550001111", "s.whatsapp.net", device: 3);
        var lid = new Jid("123456789", "lid", device: 3);

        var iq = PairSuccess.BuildIq("ps-1", issued, device, lid, "android", businessName: null, Now);

        Assert.Equal("s.whatsapp.net", iq.GetString("from"));
        Assert.Equal("set", iq.GetString("type"));
        Assert.Equal("1763790000", iq.GetString("t"));
        var success = Assert.Single(iq.Children);
        Assert.Equal("pair-success", success.Tag);
        Assert.Equal(issued.DeviceIdentity.ToArray(), success.GetChild("device-identity").Bytes.ToArray());
        Assert.Equal("android", success.GetChild("platform").GetString("name"));
        Assert.Equal("15550001111:3@s.whatsapp.net", success.GetChild("device").GetString("jid"));
        Assert.Equal("123456789:3@lid", success.GetChild("device").GetString("lid"));
        Assert.Null(success.GetOptionalChild("biz"));
        Assert.Equal("Shop", PairSuccess.BuildIq("ps-2", issued, device, lid, "smbi", "Shop", Now).Children[0].GetChild("biz").GetString("name"));
    }

    private static void AssertRejected(PairingVerificationFailure failure, IssuedDeviceIdentity issued, Node reply)
    {
        var e = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issued, reply));
        Assert.Equal(failure, e.Failure);
    }
}
