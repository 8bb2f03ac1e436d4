using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Interop.Tests.Simulator.Pairing;

/// <summary>
/// Pairing by code, the phone's side against Baileys' companion side: the code alphabet, PBKDF2 key, ephemeral wrapping
/// both ways, and the whole companion_hello → notification → companion_finish → pair-success exchange ending with the
/// same ADV secret on both sides and a pair-success Baileys accepts.
/// </summary>
[Trait("Category", "Interop")]
public sealed class PairingCodeInteropTests(PairingPeerFixture fixture) : IClassFixture<PairingPeerFixture>
{
    private readonly BaileysPairing _baileys = fixture.Baileys;
    private readonly AccountIdentity _account = AccountIdentity.Generate();

    [Fact]
    public async Task Code_encoding_matches_Baileys_bytesToCrockford()
    {
        byte[][] samples = [new byte[5], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0xFF], [1, 2, 3], .. Enumerable.Range(0, 24).Select(_ => RandomNumberGenerator.GetBytes(5))];
        foreach (var bytes in samples)
        {
            Assert.Equal(await _baileys.CrockfordAsync(bytes), PairingCode.Encode(bytes));
        }
    }

    [Fact]
    public async Task Key_derivation_matches_Baileys_derivePairingCodeKey()
    {
        foreach (var code in new[] { "ABCDEFGH", "12345678", PairingCode.Generate() })
        {
            var salt = RandomNumberGenerator.GetBytes(32);
            Assert.Equal(await _baileys.DerivePairingCodeKeyAsync(code, salt), PairingCode.DeriveKey(code, salt));
        }
    }

    [Fact]
    public async Task Ephemeral_wrapped_by_Baileys_unwraps_here_and_ours_unwraps_in_Baileys()
    {
        var code = PairingCode.Generate();
        var hello = await _baileys.CompanionHelloAsync(code);

        Assert.Equal(PairingCode.WrappedKeyLength, hello.WrappedEphemeral.Length);
        Assert.Equal(hello.EphemeralPublicKey, PairingCode.UnwrapEphemeral(code, hello.WrappedEphemeral));

        var ours = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(ours, await _baileys.UnwrapEphemeralAsync(hello.Id, PairingCode.WrapEphemeral(code, ours)));
    }

    [Fact]
    public async Task Pairing_by_code_with_Baileys_derives_the_same_adv_secret_and_ends_in_a_pair_success_Baileys_accepts()
    {
        var code = PairingCode.Generate();
        var hello = await _baileys.CompanionHelloAsync(code);

        var phone = LinkCodePairing.AnswerCompanionHello(_account, $"{code[..4]}-{code[4..]}", hello.WrappedEphemeral);
        Assert.Equal(hello.EphemeralPublicKey, phone.CompanionEphemeralPublicKey.ToArray());
        var finish = await _baileys.CompanionFinishAsync(hello.Id, phone.PrimaryIdentityPublicKey.ToArray(), phone.WrappedPrimaryEphemeral.ToArray());
        Assert.Equal(LinkCodePairing.WrappedKeyBundleLength, finish.WrappedKeyBundle.Length);
        var result = LinkCodePairing.Finish(_account, phone, finish.WrappedKeyBundle, finish.CompanionIdentityPublicKey);

        Assert.Equal(finish.AdvSecret, result.AdvSecret.ToArray());
        Assert.Equal(hello.IdentityPublicKey, result.CompanionIdentityPublicKey.ToArray());

        var issued = PairSuccess.IssueDeviceIdentity(_account, result.CompanionIdentityPublicKey.Span, result.AdvSecret.Span, 1, DateTimeOffset.UtcNow);
        var iq = PairSuccess.BuildIq("pair-1", issued, new Jid("15550002222", "s.whatsapp.net", device: 1), new Jid("190000000000002", "lid", device: 1), "android", null, DateTimeOffset.UtcNow);
        var outcome = await _baileys.ConfigureSuccessfulPairingAsync(hello.Id, NodeEncoder.EncodeFrame(iq));
        Assert.True(outcome.Accepted, outcome.Error);
        Assert.Equal(1U, PairDeviceSign.Verify(issued, NodeDecoder.DecodeFrame(outcome.ReplyFrame!)).KeyIndex);
    }

    [Fact]
    public async Task Phone_given_another_code_than_the_Baileys_companion_fails_at_its_key_bundle()
    {
        var hello = await _baileys.CompanionHelloAsync("ABCDEFGH");

        var phone = LinkCodePairing.AnswerCompanionHello(_account, "ABCDEFGJ", hello.WrappedEphemeral);
        var finish = await _baileys.CompanionFinishAsync(hello.Id, phone.PrimaryIdentityPublicKey.ToArray(), phone.WrappedPrimaryEphemeral.ToArray());

        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(_account, phone, finish.WrappedKeyBundle, finish.CompanionIdentityPublicKey));
        Assert.Equal(PairingCodeFailure.KeyBundleDecryptionFailed, e.Failure);
    }
}
