using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class KeyHelperTests
{
    [Fact]
    public void Registration_ids_are_14_bit_like_Baileys()
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(KeyHelper.GenerateRegistrationId(), 0u, (1u << 14) - 1);
        }
    }

    [Fact]
    public void Prekey_ids_are_consecutive_24_bit_and_wrap_past_zero()
    {
        var keys = KeyHelper.GeneratePreKeys(PreKeyRecord.MaxId - 1, 4);

        Assert.Equal(new uint[] { PreKeyRecord.MaxId - 1, PreKeyRecord.MaxId, 1, 2 }, keys.Select(k => k.Id).ToArray());
        Assert.Equal(4, keys.Select(k => Convert.ToHexString(k.KeyPair.PublicKey.Span)).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreKeyRecord(PreKeyRecord.MaxId + 1, keys[0].KeyPair));
    }

    [Fact]
    public void A_signed_prekey_is_signed_over_its_0x05_serialized_key_by_the_identity()
    {
        var identity = KeyHelper.GenerateIdentity();
        var signed = KeyHelper.GenerateSignedPreKey(identity.IdentityKey, 1);

        Assert.True(SignedPreKeyRecord.VerifySignature(identity.IdentityKey.PublicKey.Span, signed.KeyPair.PublicKey.Span, signed.Signature.Span));
        Assert.True(SessionCluster.Protocol.Crypto.XEdDsa.Verify(identity.IdentityKey.PublicKey.Span, SignalPublicKey.Serialize(signed.KeyPair.PublicKey.Span), signed.Signature.Span));
        Assert.False(SignedPreKeyRecord.VerifySignature(KeyHelper.GenerateIdentity().IdentityKey.PublicKey.Span, signed.KeyPair.PublicKey.Span, signed.Signature.Span));
    }

    [Fact]
    public void Public_keys_serialize_with_the_0x05_type_byte_and_parse_back()
    {
        var key = KeyHelper.GenerateIdentity().IdentityKey.PublicKey;
        var serialized = SignalPublicKey.Serialize(key.Span);

        Assert.Equal(33, serialized.Length);
        Assert.Equal(0x05, serialized[0]);
        Assert.True(SignalPublicKey.TryParse(serialized, out var parsed));
        Assert.Equal(key.ToArray(), parsed);
        serialized[0] = 0x06;
        Assert.False(SignalPublicKey.TryParse(serialized, out _));
        Assert.False(SignalPublicKey.TryParse(key.Span, out _));
    }
}
