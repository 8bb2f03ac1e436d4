using Google.Protobuf;
using SessionCluster.Protocol.Wa.Adv;
using static SessionCluster.Protocol.Tests.Proto.ProtoAssert;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// adv.proto: the pairing identity chain of docs/PROTOCOL.md §6 and the key-index list of docs/PROTOCOL.md §8.
/// Golden hex was computed with Baileys 7.0.0-rc14's protobufjs encoder
/// (WAProto/index.js) by <c>baileys-golden.mjs</c> in this folder.
/// </summary>
public sealed class AdvSchemaTests
{
    // proto.ADVDeviceIdentity.encode({ rawId: 1234567, timestamp: 1700000000, keyIndex: 3,
    //   accountType: E2EE, deviceType: HOSTED })
    private const string DeviceIdentityHex = "0887ad4b1080e2cfaa06180320002801";

    // proto.ADVSignedDeviceIdentityHMAC.encode({ details: seq(0x01, 8), hmac: seq(0x80, 32), accountType: HOSTED })
    private const string SignedIdentityHmacHex =
        "0a0801020304050607081220808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c" +
        "9d9e9f1801";

    // proto.ADVKeyIndexList.encode({ rawId: 1234567, timestamp: 1700000000, currentIndex: 5,
    //   validIndexes: [0, 3, 5, 300] }) -- validIndexes is packed (field 4, wire type 2).
    private const string KeyIndexListHex = "0887ad4b1080e2cfaa0618052205000305ac02";

    [Fact]
    public void DeviceIdentity_EncodesLikeBaileys_IncludingExplicitE2ee()
    {
        var identity = new ADVDeviceIdentity
        {
            RawID = 1234567,
            Timestamp = 1700000000,
            KeyIndex = 3,
            AccountType = ADVEncryptionType.E2Ee,
            DeviceType = ADVEncryptionType.Hosted,
        };

        EncodesTo(DeviceIdentityHex, identity);
    }

    [Fact]
    public void DeviceIdentityFromBaileys_DecodesEveryField()
    {
        var identity = Decode<ADVDeviceIdentity>(DeviceIdentityHex);

        Assert.Equal(1234567u, identity.RawID);
        Assert.Equal(1700000000ul, identity.Timestamp);
        Assert.Equal(3u, identity.KeyIndex);
        Assert.True(identity.HasAccountType);
        Assert.Equal(ADVEncryptionType.E2Ee, identity.AccountType);
        Assert.Equal(ADVEncryptionType.Hosted, identity.DeviceType);
    }

    [Fact]
    public void SignedDeviceIdentityHmac_EncodesAndDecodesLikeBaileys()
    {
        var wrapper = new ADVSignedDeviceIdentityHMAC
        {
            Details = SeqBytes(0x01, 8),
            HMAC = SeqBytes(0x80, 32),
            AccountType = ADVEncryptionType.Hosted,
        };

        EncodesTo(SignedIdentityHmacHex, wrapper);
        var decoded = Decode<ADVSignedDeviceIdentityHMAC>(SignedIdentityHmacHex);
        Assert.Equal(Seq(0x80, 32), decoded.HMAC.ToByteArray());
        Assert.Equal(ADVEncryptionType.Hosted, decoded.AccountType);
    }

    [Fact]
    public void KeyIndexList_PacksValidIndexesLikeBaileys()
    {
        var list = new ADVKeyIndexList { RawID = 1234567, Timestamp = 1700000000, CurrentIndex = 5 };
        list.ValidIndexes.Add(new uint[] { 0, 3, 5, 300 });

        EncodesTo(KeyIndexListHex, list);
        Assert.Equal(new uint[] { 0, 3, 5, 300 }, Decode<ADVKeyIndexList>(KeyIndexListHex).ValidIndexes);
    }

    [Fact]
    public void PairingIdentityChain_RoundTripsThroughItsThreeLayers()
    {
        // <pair-success><device-identity> = HMAC wrapper { details = signed identity { details = identity } }.
        var identity = new ADVDeviceIdentity { RawID = 987654, Timestamp = 1700000000, KeyIndex = 1 };
        var signed = new ADVSignedDeviceIdentity
        {
            Details = identity.ToByteString(),
            AccountSignatureKey = SeqBytes(0x20, 32),
            AccountSignature = SeqBytes(0x40, 64),
        };
        var wrapper = new ADVSignedDeviceIdentityHMAC { Details = signed.ToByteString(), HMAC = SeqBytes(0x90, 32) };

        var parsedWrapper = RoundTrip(wrapper);
        var parsedSigned = ADVSignedDeviceIdentity.Parser.ParseFrom(parsedWrapper.Details);
        Assert.Equal(signed, parsedSigned);
        Assert.False(parsedSigned.HasDeviceSignature);
        Assert.Equal(identity, ADVDeviceIdentity.Parser.ParseFrom(parsedSigned.Details));

        // The reply in <pair-device-sign> drops accountSignatureKey and adds deviceSignature.
        var reply = parsedSigned.Clone();
        reply.ClearAccountSignatureKey();
        reply.DeviceSignature = SeqBytes(0x60, 64);
        var parsedReply = RoundTrip(reply);
        Assert.False(parsedReply.HasAccountSignatureKey);
        Assert.Equal(parsedSigned.Details, parsedReply.Details);
    }

    [Fact]
    public void SignedKeyIndexList_RoundTrips()
    {
        var list = new ADVKeyIndexList { RawID = 1, Timestamp = 2, CurrentIndex = 3, AccountType = ADVEncryptionType.E2Ee };
        list.ValidIndexes.Add(new uint[] { 1, 2, 3 });
        var signed = new ADVSignedKeyIndexList
        {
            Details = list.ToByteString(),
            AccountSignature = SeqBytes(0x01, 64),
            AccountSignatureKey = SeqBytes(0x41, 32),
        };

        var parsed = RoundTrip(signed);
        Assert.Equal(list, ADVKeyIndexList.Parser.ParseFrom(parsed.Details));
    }
}
