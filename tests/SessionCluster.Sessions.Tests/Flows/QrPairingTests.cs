using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>The pure part of linking by QR: the QR string, and the check of pair-success with crafted stanzas.</summary>
public sealed class QrPairingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Jid Device = Jid.Parse("15550001111:3@s.whatsapp.net");
    private static readonly Jid Lid = Jid.Parse("99887766:3@lid");

    private readonly Registration _registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System);

    [Fact]
    public void The_QR_string_reads_back_with_the_ref_the_public_keys_the_ADV_secret_and_Chromes_client_type()
    {
        var code = QrPairingCode.Parse(QrPairing.QrString("2@ref", _registration, "Chrome"));

        Assert.Equal("2@ref", code.Ref);
        Assert.Equal(_registration.NoiseKey.PublicKey.ToArray(), code.NoisePublicKey.ToArray());
        Assert.Equal(_registration.IdentityKey.PublicKey.ToArray(), code.IdentityPublicKey.ToArray());
        Assert.Equal(_registration.AdvSecretKey.ToArray(), code.AdvSecret.ToArray());
        Assert.Equal("1", code.ClientType);
    }

    [Fact]
    public void A_pair_success_issued_for_this_companion_is_accepted_with_its_device_JID_LID_and_a_pair_device_sign_answer()
    {
        var issued = PairSuccess.IssueDeviceIdentity(AccountIdentity.Generate(), _registration.IdentityKey.PublicKey.Span, _registration.AdvSecretKey.Span, 7, Now);

        var accepted = Assert.IsType<PairSuccessAccepted>(QrPairing.AcceptPairSuccess(PairSuccessIq(issued), _registration));

        Assert.Equal(Device.ToString(), accepted.Linked.DeviceJid);
        Assert.Equal(Lid.ToString(), accepted.Linked.Lid);
        Assert.NotNull(accepted.Linked.AdvSignedIdentity);
        Assert.Equal(("result", "p1"), (accepted.Reply.GetString("type"), accepted.Reply.GetString("id")));
        Assert.Equal("7", accepted.Reply.GetChild("pair-device-sign").GetChild("device-identity").GetString("key-index"));
    }

    [Fact]
    public void A_device_identity_HMACed_under_another_ADV_secret_is_refused_HmacMismatch_with_an_iq_error_and_no_pair_device_sign()
    {
        var otherSecret = RandomNumberGenerator.GetBytes(32);
        var issued = PairSuccess.IssueDeviceIdentity(AccountIdentity.Generate(), _registration.IdentityKey.PublicKey.Span, otherSecret, 7, Now);

        var refused = Assert.IsType<PairSuccessRefused>(QrPairing.AcceptPairSuccess(PairSuccessIq(issued), _registration));

        Assert.Equal(LinkFailure.HmacMismatch, refused.Failure);
        AssertError(refused.Reply, "401", "hmac-mismatch");
    }

    [Fact]
    public void An_account_signature_over_another_identity_key_is_refused_BadAccountSignature()
    {
        var otherIdentity = Curve25519.GenerateKeyPair();
        var issued = PairSuccess.IssueDeviceIdentity(AccountIdentity.Generate(), otherIdentity.PublicKey.Span, _registration.AdvSecretKey.Span, 7, Now);

        var refused = Assert.IsType<PairSuccessRefused>(QrPairing.AcceptPairSuccess(PairSuccessIq(issued), _registration));

        Assert.Equal(LinkFailure.BadAccountSignature, refused.Failure);
        AssertError(refused.Reply, "401", "signature-mismatch");
    }

    [Fact]
    public void A_pair_success_without_a_device_JID_or_with_garbage_bytes_is_refused_MalformedPairSuccess()
    {
        var noDevice = new Node("iq", [("from", "s.whatsapp.net"), ("type", "set"), ("id", "p1")],
            [new Node("pair-success", null, [new Node("device-identity", null, RandomNumberGenerator.GetBytes(40))])]);
        var garbage = new Node("iq", [("from", "s.whatsapp.net"), ("type", "set"), ("id", "p1")],
            [new Node("pair-success", null, [new Node("device-identity", null, new byte[] { 0xFF, 0xFF, 0xFF }), new Node("device", [("jid", Device.ToString()), ("lid", Lid.ToString())])])]);

        Assert.Equal(LinkFailure.MalformedPairSuccess, Assert.IsType<PairSuccessRefused>(QrPairing.AcceptPairSuccess(noDevice, _registration)).Failure);
        Assert.Equal(LinkFailure.MalformedPairSuccess, Assert.IsType<PairSuccessRefused>(QrPairing.AcceptPairSuccess(garbage, _registration)).Failure);
    }

    internal static Node PairSuccessIq(IssuedDeviceIdentity issued) => PairSuccess.BuildIq("p1", issued, Device, Lid, "Chrome", null, Now);

    private static void AssertError(Node? reply, string code, string text)
    {
        Assert.NotNull(reply);
        Assert.Equal(("error", "p1"), (reply.GetString("type"), reply.GetString("id")));
        Assert.Equal((code, text), (reply.GetChild("error").GetString("code"), reply.GetChild("error").GetString("text")));
        Assert.Null(reply.GetOptionalChild("pair-device-sign"));
    }
}
