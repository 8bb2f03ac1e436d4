using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Handshake;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Protocol.Tests.Handshake;

public sealed class CompanionPayloadsTests
{
    [Fact]
    public void The_registration_payload_carries_the_pairing_data_as_docs_protocol_section_3_lays_it_out()
    {
        var identity = Curve25519.GenerateKeyPair();
        var signedPreKey = KeyHelper.GenerateSignedPreKey(identity, 0x010203);

        var bytes = CompanionPayloads.Registration(0xA1B2C3D4, identity, signedPreKey, new CompanionDevice("Office", DeviceProps.Types.PlatformType.Firefox)).ToByteArray();
        var payload = ClientPayload.Parser.ParseFrom(bytes);

        Assert.False(payload.Passive);
        Assert.False(payload.Pull);
        Assert.False(payload.HasUsername);
        var data = payload.DevicePairingData;
        Assert.Equal(0xA1B2C3D4u, BinaryPrimitives.ReadUInt32BigEndian(data.ERegid.Span));
        Assert.Equal([0x05], data.EKeytype.ToByteArray());
        Assert.Equal(identity.PublicKey.ToArray(), data.EIdent.ToByteArray());
        Assert.Equal([0x01, 0x02, 0x03], data.ESkeyID.ToByteArray());
        Assert.Equal(signedPreKey.KeyPair.PublicKey.ToArray(), data.ESkeyVal.ToByteArray());
        Assert.True(SignedPreKeyRecord.VerifySignature(data.EIdent.Span, data.ESkeyVal.Span, data.ESkeySig.Span));
        Assert.Equal(MD5.HashData("2.3000.1043857760"u8), data.BuildHash.ToByteArray());
        var props = DeviceProps.Parser.ParseFrom(data.DeviceProps);
        Assert.Equal("Office", props.Os);
        Assert.Equal(DeviceProps.Types.PlatformType.Firefox, props.PlatformType);
        AssertCommonFields(payload);
    }

    [Fact]
    public void The_login_payload_names_the_phone_and_device_and_asks_for_passive_pull()
    {
        var payload = ClientPayload.Parser.ParseFrom(CompanionPayloads.Login("15550001111", 7).ToByteArray());

        Assert.Equal(15550001111ul, payload.Username);
        Assert.Equal(7u, payload.Device);
        Assert.True(payload.Passive);
        Assert.True(payload.Pull);
        Assert.Null(payload.DevicePairingData);
        AssertCommonFields(payload);
    }

    [Theory]
    [InlineData("+15550001111")]
    [InlineData("1555 0001111")]
    [InlineData("99999999999999999999999")]
    public void A_phone_number_that_is_not_digits_fitting_64_bits_is_refused(string phone) =>
        Assert.Throws<ArgumentException>(() => CompanionPayloads.Login(phone, 1));

    [Fact]
    public void Device_zero_is_the_phone_and_is_refused_for_a_companion_login() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CompanionPayloads.Login("15550001111", 0));

    [Fact]
    public void A_signed_prekey_id_that_does_not_fit_three_bytes_is_refused()
    {
        var identity = Curve25519.GenerateKeyPair();
        Assert.Throws<ArgumentOutOfRangeException>(() => CompanionPayloads.Registration(1, identity, KeyHelper.GenerateSignedPreKey(identity, 0x1000000)));
    }

    [Fact]
    public void The_build_hash_is_the_md5_of_the_dotted_version() =>
        Assert.Equal(MD5.HashData("2.3000.1045649367"u8), new ClientVersion(2, 3000, 1045649367).BuildHash());

    private static void AssertCommonFields(ClientPayload payload)
    {
        var agent = payload.UserAgent;
        Assert.Equal(ClientPayload.Types.UserAgent.Types.Platform.Web, agent.Platform);
        Assert.Equal((2u, 3000u, 1043857760u), (agent.AppVersion.Primary, agent.AppVersion.Secondary, agent.AppVersion.Tertiary));
        Assert.Equal(("000", "000", "0.1", "0.1", "Desktop"), (agent.Mcc, agent.Mnc, agent.OsVersion, agent.OsBuildNumber, agent.Device));
        Assert.Equal(("en", "US"), (agent.LocaleLanguageIso6391, agent.LocaleCountryIso31661Alpha2));
        Assert.Equal(ClientPayload.Types.WebInfo.Types.WebSubPlatform.WebBrowser, payload.WebInfo.WebSubPlatform);
        Assert.Equal(ClientPayload.Types.ConnectType.WifiUnknown, payload.ConnectType);
        Assert.Equal(ClientPayload.Types.ConnectReason.UserActivated, payload.ConnectReason);
    }
}
