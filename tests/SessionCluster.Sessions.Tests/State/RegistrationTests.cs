using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.Tests.Support;

namespace SessionCluster.Sessions.Tests.State;

public sealed class RegistrationTests
{
    private static readonly byte[] Context = "alice"u8.ToArray();

    [Fact]
    public void A_new_registration_has_valid_key_pairs_a_verifiable_signed_prekey_and_a_14_bit_registration_id()
    {
        var registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System);

        Assert.Equal(Curve25519.PublicKeyOf(registration.IdentityKey.PrivateKey.Span), registration.IdentityKey.PublicKey.ToArray());
        Assert.Equal(Curve25519.PublicKeyOf(registration.NoiseKey.PrivateKey.Span), registration.NoiseKey.PublicKey.ToArray());
        Assert.True(SignedPreKeyRecord.VerifySignature(
            registration.IdentityKey.PublicKey.Span, registration.SignedPreKey.KeyPair.PublicKey.Span, registration.SignedPreKey.Signature.Span));
        Assert.InRange(registration.RegistrationId, 0u, (1u << 14) - 1);
        Assert.Equal(Registration.AdvSecretKeySize, registration.AdvSecretKey.Length);
        Assert.Null(registration.DeviceJid);
        Assert.NotEqual(registration.NoiseKey.PrivateKey.ToArray(), registration.IdentityKey.PrivateKey.ToArray());
    }

    [Fact]
    public void Every_key_comes_from_the_random_source_passed_in()
    {
        var random = new RecordingRandom();
        var registration = Registration.Generate(random, TimeProvider.System);

        var draws = random.Draws.Select(d => Convert.ToHexString(d)).ToHashSet();
        var clampedDraws = random.Draws.Where(d => d.Length == 32).Select(d => Convert.ToHexString(Curve25519.FromPrivateKey(d).PrivateKey.Span)).ToHashSet();
        Assert.Contains(Convert.ToHexString(registration.NoiseKey.PrivateKey.Span), clampedDraws);
        Assert.Contains(Convert.ToHexString(registration.IdentityKey.PrivateKey.Span), clampedDraws);
        Assert.Contains(Convert.ToHexString(registration.SignedPreKey.KeyPair.PrivateKey.Span), clampedDraws);
        Assert.Contains(Convert.ToHexString(registration.AdvSecretKey.Span), draws);
    }

    [Fact]
    public void A_sealed_registration_opens_to_an_equal_one_including_what_pairing_adds()
    {
        var box = new SecretBox(SecretKey.Generate(RandomNumberGenerator.Create()), RandomNumberGenerator.Create());
        var registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System) with
        {
            DeviceJid = "15550001111:3@s.whatsapp.net", Lid = "1234567:3@lid", PushName = "Alice", AdvSignedIdentity = new byte[] { 1, 2, 3 },
        };

        var opened = Registration.Open(box, registration.Seal(box, Context), Context);

        Assert.Equal(registration.IdentityKey.PrivateKey.ToArray(), opened.IdentityKey.PrivateKey.ToArray());
        Assert.Equal(registration.NoiseKey.PrivateKey.ToArray(), opened.NoiseKey.PrivateKey.ToArray());
        Assert.Equal(registration.SignedPreKey.KeyPair.PrivateKey.ToArray(), opened.SignedPreKey.KeyPair.PrivateKey.ToArray());
        Assert.Equal(registration.SignedPreKey.Signature.ToArray(), opened.SignedPreKey.Signature.ToArray());
        Assert.Equal(registration.SignedPreKey.TimestampMilliseconds, opened.SignedPreKey.TimestampMilliseconds);
        Assert.Equal(registration.RegistrationId, opened.RegistrationId);
        Assert.Equal(registration.NextPreKeyId, opened.NextPreKeyId);
        Assert.Equal(registration.AdvSecretKey.ToArray(), opened.AdvSecretKey.ToArray());
        Assert.Equal(("15550001111:3@s.whatsapp.net", "1234567:3@lid", "Alice"), (opened.DeviceJid, opened.Lid, opened.PushName));
        Assert.Equal([1, 2, 3], opened.AdvSignedIdentity!.Value.ToArray());
    }

    [Fact]
    public void The_sealed_form_holds_no_private_key_and_ToString_shows_public_parts_only()
    {
        var box = new SecretBox(SecretKey.Generate(RandomNumberGenerator.Create()), RandomNumberGenerator.Create());
        var registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System);
        var sealedBytes = registration.Seal(box, Context);

        foreach (var key in new[] { registration.IdentityKey, registration.NoiseKey, registration.SignedPreKey.KeyPair })
        {
            Assert.Equal(-1, sealedBytes.AsSpan().IndexOf(key.PrivateKey.Span));
            Assert.DoesNotContain(Convert.ToHexStringLower(key.PrivateKey.Span), registration.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains(Convert.ToHexStringLower(registration.IdentityKey.PublicKey.Span), registration.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rotated_signed_prekey_is_signed_by_the_identity_keeps_the_previous_one_across_sealing_and_a_second_rotation_drops_the_oldest()
    {
        var box = new SecretBox(SecretKey.Generate(RandomNumberGenerator.Create()), RandomNumberGenerator.Create());
        var registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System);

        var rotated = Registration.Open(box, registration.RotateSignedPreKey(RandomNumberGenerator.Create(), TimeProvider.System).Seal(box, Context), Context);

        Assert.Equal(registration.SignedPreKey.Id + 1, rotated.SignedPreKey.Id);
        Assert.True(SignedPreKeyRecord.VerifySignature(rotated.IdentityKey.PublicKey.Span, rotated.SignedPreKey.KeyPair.PublicKey.Span, rotated.SignedPreKey.Signature.Span));
        Assert.Equal(registration.SignedPreKey.KeyPair.PrivateKey.ToArray(), rotated.FindSignedPreKey(registration.SignedPreKey.Id)!.KeyPair.PrivateKey.ToArray());
        Assert.Same(rotated.SignedPreKey, rotated.FindSignedPreKey(rotated.SignedPreKey.Id));

        var twice = rotated.RotateSignedPreKey(RandomNumberGenerator.Create(), TimeProvider.System);
        Assert.Null(twice.FindSignedPreKey(registration.SignedPreKey.Id));
        Assert.NotNull(twice.FindSignedPreKey(rotated.SignedPreKey.Id));
    }
}
