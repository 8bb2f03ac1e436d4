using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.Adv;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class KeyIndexListTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_763_790_000);

    private readonly AccountIdentity _account = AccountIdentity.Generate();

    [Fact]
    public void Signed_list_verifies_under_the_account_key_and_round_trips_its_fields()
    {
        var signed = KeyIndexList.Sign(_account, Now, currentIndex: 5, validIndexes: [2, 5]);

        var verified = KeyIndexList.Verify(signed.Bytes.Span, _account.PublicKey.Span);

        Assert.Equal(_account.RawId, verified.RawId);
        Assert.Equal(1_763_790_000UL, verified.Timestamp);
        Assert.Equal(1_763_790_000UL, signed.Timestamp);
        Assert.Equal(5U, verified.CurrentIndex);
        Assert.Equal([2U, 5U], verified.ValidIndexes);
    }

    [Fact]
    public void Signature_is_over_the_6_2_prefix_and_the_details_and_leaves_out_the_account_key()
    {
        var signed = ADVSignedKeyIndexList.Parser.ParseFrom(KeyIndexList.Sign(_account, Now, 1, [1]).Bytes.Span);

        byte[] message = [6, 2, .. signed.Details.Span];
        Assert.True(XEdDsa.Verify(_account.PublicKey.Span, message, signed.AccountSignature.Span));
        Assert.False(signed.HasAccountSignatureKey);
    }

    [Fact]
    public void List_verified_with_another_account_key_is_rejected()
    {
        var signed = KeyIndexList.Sign(_account, Now, 1, [1]);

        var e = Assert.Throws<PairingVerificationException>(() => KeyIndexList.Verify(signed.Bytes.Span, AccountIdentity.Generate().PublicKey.Span));
        Assert.Equal(PairingVerificationFailure.BadAccountSignature, e.Failure);
    }

    [Fact]
    public void List_with_changed_details_is_rejected()
    {
        var signed = ADVSignedKeyIndexList.Parser.ParseFrom(KeyIndexList.Sign(_account, Now, 1, [1]).Bytes.Span);
        var details = ADVKeyIndexList.Parser.ParseFrom(signed.Details);
        details.ValidIndexes.Add(9);
        signed.Details = details.ToByteString();

        var e = Assert.Throws<PairingVerificationException>(() => KeyIndexList.Verify(signed.ToByteArray(), _account.PublicKey.Span));
        Assert.Equal(PairingVerificationFailure.BadAccountSignature, e.Failure);
    }

    [Fact]
    public void Signed_list_without_raw_id_or_timestamp_is_malformed()
    {
        var details = new ADVKeyIndexList { CurrentIndex = 1 }.ToByteArray();
        byte[] message = [6, 2, .. details];
        var signed = new ADVSignedKeyIndexList
        {
            Details = ByteString.CopyFrom(details),
            AccountSignature = ByteString.CopyFrom(XEdDsa.Sign(_account.IdentityKey.PrivateKey.Span, message)),
        }.ToByteArray();

        Assert.Equal(PairingVerificationFailure.MalformedProtobuf, Assert.Throws<PairingVerificationException>(() => KeyIndexList.Verify(signed, _account.PublicKey.Span)).Failure);
        Assert.Equal(PairingVerificationFailure.MalformedProtobuf, Assert.Throws<PairingVerificationException>(() => KeyIndexList.Verify([0xFF, 0xFF], _account.PublicKey.Span)).Failure);
    }

    [Theory]
    [InlineData(2U, true)]
    [InlineData(5U, true)]
    [InlineData(3U, false)]
    [InlineData(6U, true)]
    [InlineData(null, false)]
    public void Accepts_keeps_listed_and_newer_key_indexes_as_WhatsApp_Web_does(uint? keyIndex, bool kept)
    {
        var list = KeyIndexList.Verify(KeyIndexList.Sign(_account, Now, 5, [2, 5]).Bytes.Span, _account.PublicKey.Span);

        Assert.Equal(kept, KeyIndexList.Accepts(list, keyIndex));
    }

    [Fact]
    public void Restored_account_identity_signs_verifiably_under_the_same_public_key()
    {
        var restored = AccountIdentity.FromPrivateKey(_account.IdentityKey.PrivateKey.Span, _account.RawId);

        Assert.Equal(_account.PublicKey.ToArray(), restored.PublicKey.ToArray());
        var signed = KeyIndexList.Sign(restored, Now, 1, [1]);
        Assert.Equal(_account.RawId, KeyIndexList.Verify(signed.Bytes.Span, _account.PublicKey.Span).RawId);
        Assert.NotEqual(0U, _account.RawId);
    }
}
