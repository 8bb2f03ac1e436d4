using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.Adv;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Interop.Tests.Simulator.Pairing;

/// <summary>
/// The phone's side of QR pairing against Baileys' own code: the QR Baileys shows parses, the pair-success we build passes
/// Baileys' configureSuccessfulPairing (HMAC with the companion's ADV secret, account signature over its identity key), and
/// the pair-device-sign reply Baileys builds passes our verifier, while tampered ones do not.
/// </summary>
[Trait("Category", "Interop")]
public sealed class QrPairingInteropTests(PairingPeerFixture fixture) : IClassFixture<PairingPeerFixture>
{
    private static readonly string[] Chrome = ["Ubuntu", "Chrome", "22.04.4"];
    private static readonly Jid Device = new("15550001111", "s.whatsapp.net", device: 4);
    private static readonly Jid Lid = new("190000000000001", "lid", device: 4);

    private readonly BaileysPairing _baileys = fixture.Baileys;
    private readonly AccountIdentity _account = AccountIdentity.Generate();

    [Theory]
    [InlineData("Ubuntu", "Chrome", "1")]
    [InlineData("Mac OS", "Safari", "6")]
    [InlineData("Windows", "Edge", "2")]
    [InlineData("Ubuntu", "Firefox", "3")]
    [InlineData("Windows", "Opera", "5")]
    [InlineData("Windows", "IE", "4")]
    [InlineData("Windows", "Desktop", "8")]
    [InlineData("Mac OS", "Desktop", "7")]
    [InlineData("Baileys", "Lynx", "9")]
    public async Task QR_that_Baileys_shows_parses_into_its_keys_and_client_type(string os, string browser, string clientType)
    {
        var companion = await _baileys.CompanionAsync("2@Zm9vYmFy/+=,x", [os, browser, "1.0"]);

        // A ref with a comma cannot be carried by the QR: Baileys would produce six parts.
        Assert.Equal(QrFormatError.WrongPartCount, Assert.Throws<QrFormatException>(() => QrPairingCode.Parse(companion.Qr)).Error);

        var shown = await _baileys.CompanionAsync("2@Zm9vYmFy/+=", [os, browser, "1.0"]);
        var qr = QrPairingCode.Parse(shown.Qr);
        Assert.Equal("2@Zm9vYmFy/+=", qr.Ref);
        Assert.Equal(shown.NoisePublicKey, qr.NoisePublicKey.ToArray());
        Assert.Equal(shown.IdentityPublicKey, qr.IdentityPublicKey.ToArray());
        Assert.Equal(shown.AdvSecret, qr.AdvSecret.ToArray());
        Assert.Equal(clientType, qr.ClientType);
        Assert.Equal(shown.Qr, qr.Format());
    }

    [Fact]
    public async Task Baileys_accepts_our_pair_success_and_its_pair_device_sign_reply_passes_our_verifier()
    {
        var companion = await _baileys.CompanionAsync("ref-1", Chrome);
        var issued = PairSuccess.IssueDeviceIdentity(_account, QrPairingCode.Parse(companion.Qr), keyIndex: 2, DateTimeOffset.UtcNow);
        var iq = PairSuccess.BuildIq("pair-1", issued, Device, Lid, "android", businessName: null, DateTimeOffset.UtcNow);

        var outcome = await _baileys.ConfigureSuccessfulPairingAsync(companion.Id, NodeEncoder.EncodeFrame(iq));

        Assert.True(outcome.Accepted, outcome.Error);
        Assert.Equal(Device.ToString(), outcome.MeId);
        Assert.Equal(Lid.ToString(), outcome.MeLid);
        Assert.Equal("android", outcome.Platform);
        Assert.Equal(_account.PublicKey.ToArray(), outcome.AccountSignatureKey);
        // Baileys trusts the account key as the Signal identity (05-prefixed) of the account's device 0.
        Assert.Equal([0x05, .. _account.PublicKey.ToArray()], outcome.SignalIdentityKey);

        var reply = NodeDecoder.DecodeFrame(outcome.ReplyFrame!);
        Assert.Equal(new Jid(string.Empty, "s.whatsapp.net"), reply.GetJid("to"));
        Assert.Equal("pair-1", reply.GetString("id"));
        var verified = PairDeviceSign.Verify(issued, reply);
        Assert.Equal(2U, verified.KeyIndex);
        Assert.Equal(companion.IdentityPublicKey, verified.CompanionIdentityKey.ToArray());
    }

    [Fact]
    public async Task Baileys_refuses_pair_success_with_an_hmac_under_another_adv_secret()
    {
        var companion = await _baileys.CompanionAsync("ref-1", Chrome);
        var issued = PairSuccess.IssueDeviceIdentity(_account, companion.IdentityPublicKey, new byte[32], 1, DateTimeOffset.UtcNow);

        var outcome = await _baileys.ConfigureSuccessfulPairingAsync(companion.Id, Frame(issued));

        Assert.Equal("Invalid account signature", outcome.Error);
    }

    [Fact]
    public async Task Account_signature_we_issue_verifies_under_libsignal_for_the_companion_key_and_no_other()
    {
        var companion = await _baileys.CompanionAsync("ref-1", Chrome);
        var other = await _baileys.CompanionAsync("ref-2", Chrome);
        var issued = PairSuccess.IssueDeviceIdentity(_account, QrPairingCode.Parse(companion.Qr), 1, DateTimeOffset.UtcNow);

        byte[] forCompanion = [6, 0, .. issued.Details.Span, .. companion.IdentityPublicKey];
        byte[] forOther = [6, 0, .. issued.Details.Span, .. other.IdentityPublicKey];
        Assert.True(await _baileys.LibsignalVerifyAsync(_account.PublicKey.ToArray(), forCompanion, issued.AccountSignature.ToArray()));
        Assert.False(await _baileys.LibsignalVerifyAsync(_account.PublicKey.ToArray(), forOther, issued.AccountSignature.ToArray()));
    }

    [Fact]
    public async Task Baileys_does_not_refuse_an_account_signature_for_another_identity_key_since_Curve_verify_ignores_the_verdict()
    {
        // Pinned so that the day Baileys starts checking, this test says so. Until then Baileys' acceptance of our
        // pair-success proves the HMAC and the stanza shape, not the account signature; the libsignal check above does.
        var companion = await _baileys.CompanionAsync("ref-1", Chrome);
        var other = await _baileys.CompanionAsync("ref-2", Chrome);
        var issued = PairSuccess.IssueDeviceIdentity(_account, other.IdentityPublicKey, companion.AdvSecret, 1, DateTimeOffset.UtcNow);

        var outcome = await _baileys.ConfigureSuccessfulPairingAsync(companion.Id, Frame(issued));

        Assert.True(outcome.Accepted, outcome.Error);
    }

    [Fact]
    public async Task Baileys_reply_with_a_changed_key_index_or_device_signature_is_rejected()
    {
        var companion = await _baileys.CompanionAsync("ref-1", Chrome);
        var issued = PairSuccess.IssueDeviceIdentity(_account, QrPairingCode.Parse(companion.Qr), keyIndex: 5, DateTimeOffset.UtcNow);
        var outcome = await _baileys.ConfigureSuccessfulPairingAsync(companion.Id, Frame(issued));
        Assert.True(outcome.Accepted, outcome.Error);
        var identity = NodeDecoder.DecodeFrame(outcome.ReplyFrame!).GetChild("pair-device-sign").GetChild("device-identity");
        Assert.Equal("5", identity.GetString("key-index"));

        var wrongIndex = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issued, identity.Bytes.Span, "6"));
        Assert.Equal(PairingVerificationFailure.KeyIndexMismatch, wrongIndex.Failure);

        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(identity.Bytes.Span);
        var signature = signed.DeviceSignature.ToByteArray();
        signature[^1] ^= 0x01;
        signed.DeviceSignature = ByteString.CopyFrom(signature);
        var badSignature = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issued, signed.ToByteArray(), "5"));
        Assert.Equal(PairingVerificationFailure.BadDeviceSignature, badSignature.Failure);
    }

    [Fact]
    public async Task Reply_Baileys_built_for_one_pair_success_does_not_verify_against_another_companions_issue()
    {
        var first = await _baileys.CompanionAsync("ref-1", Chrome);
        var second = await _baileys.CompanionAsync("ref-2", Chrome);
        var now = DateTimeOffset.UtcNow;
        var issuedFirst = PairSuccess.IssueDeviceIdentity(_account, QrPairingCode.Parse(first.Qr), 3, now);
        var issuedSecond = PairSuccess.IssueDeviceIdentity(_account, QrPairingCode.Parse(second.Qr), 3, now);

        var outcome = await _baileys.ConfigureSuccessfulPairingAsync(first.Id, Frame(issuedFirst));

        Assert.True(outcome.Accepted, outcome.Error);
        // Same account, key index and second: the details are byte-identical, the account signatures are not.
        var e = Assert.Throws<PairingVerificationException>(() => PairDeviceSign.Verify(issuedSecond, NodeDecoder.DecodeFrame(outcome.ReplyFrame!)));
        Assert.Equal(PairingVerificationFailure.AccountSignatureChanged, e.Failure);
    }

    private static byte[] Frame(IssuedDeviceIdentity issued) =>
        NodeEncoder.EncodeFrame(PairSuccess.BuildIq("pair-1", issued, Device, Lid, "android", null, DateTimeOffset.UtcNow));
}
