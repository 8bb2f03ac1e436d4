using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using SessionCluster.Protocol.Wa.Client;
using static SessionCluster.Protocol.Tests.Proto.ProtoAssert;
using UserAgent = SessionCluster.Protocol.Wa.Client.ClientPayload.Types.UserAgent;
using WebInfo = SessionCluster.Protocol.Wa.Client.ClientPayload.Types.WebInfo;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// client_payload.proto: the login and registration payloads of docs/PROTOCOL.md §3, and DeviceProps.
/// Golden hex was computed with Baileys 7.0.0-rc14's protobufjs encoder
/// (WAProto/index.js) by <c>baileys-golden.mjs</c> in this folder.
/// </summary>
public sealed class ClientPayloadSchemaTests
{
    // proto.ClientPayload.encode({...}) with the login fields whatsmeow sends (see the generator).
    private const string LoginHex =
        "088784b4f73918012a38080e120b080210b81718d7afcdf2031a0330303022033030302a03302e3132" +
        "003a074465736b746f704203302e3150005a02656e620255533202200060016801900102c001018802" +
        "01c80201";

    // proto.ClientPayload.encode({...}) with registration fields and fixed stand-in keys.
    private const string RegistrationHex =
        "18002a18080e120b080210b81718d7afcdf2033a074465736b746f7032022000600168019a01ab010a" +
        "04000030391201051a20101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e" +
        "2f22030000012a20303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f32" +
        "40505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f7071727374757677" +
        "78797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f3a10909192939495969798999a9b9c9d9e" +
        "9f42030a0158880200";

    // proto.DeviceProps.encode({ os: 'SessionCluster', version: {0, 1, 0}, platformType: DESKTOP,
    //   requireFullSync: false, historySyncConfig: { storageQuotaMb: 10240,
    //   inlineInitialPayloadInE2EeMsg: true, supportCallLogHistory: false } })
    private const string DevicePropsHex =
        "0a0e53657373696f6e436c75737465721206080010011800180720002a0718805020013000";

    private static UserAgent WebUserAgent() => new()
    {
        Platform = UserAgent.Types.Platform.Web,
        AppVersion = new UserAgent.Types.AppVersion { Primary = 2, Secondary = 3000, Tertiary = 1045649367 },
        Device = "Desktop",
    };

    private static ClientPayload Login()
    {
        var userAgent = WebUserAgent();
        userAgent.Mcc = "000";
        userAgent.Mnc = "000";
        userAgent.OsVersion = "0.1";
        userAgent.Manufacturer = "";
        userAgent.OsBuildNumber = "0.1";
        userAgent.ReleaseChannel = UserAgent.Types.ReleaseChannel.Release;
        userAgent.LocaleLanguageIso6391 = "en";
        userAgent.LocaleCountryIso31661Alpha2 = "US";
        return new ClientPayload
        {
            Username = 15551234567,
            Passive = true,
            UserAgent = userAgent,
            WebInfo = new WebInfo { WebSubPlatform = WebInfo.Types.WebSubPlatform.WebBrowser },
            ConnectType = ClientPayload.Types.ConnectType.WifiUnknown,
            ConnectReason = ClientPayload.Types.ConnectReason.UserActivated,
            Device = 2,
            Pull = true,
            Lc = 1,
            LidDbMigrated = true,
        };
    }

    [Fact]
    public void LoginPayload_EncodesLikeBaileys()
    {
        EncodesTo(LoginHex, Login());
    }

    [Fact]
    public void LoginPayloadFromBaileys_DecodesTheFieldsTheServerChecks()
    {
        var payload = Decode<ClientPayload>(LoginHex);

        Assert.Equal(15551234567ul, payload.Username);
        Assert.Equal(2u, payload.Device);
        Assert.True(payload.Passive);
        Assert.True(payload.Pull);
        Assert.True(payload.LidDbMigrated);
        Assert.Equal(1, payload.Lc);
        Assert.Null(payload.DevicePairingData);
        Assert.Equal(UserAgent.Types.Platform.Web, payload.UserAgent.Platform);
        Assert.Equal(1045649367u, payload.UserAgent.AppVersion.Tertiary);
        Assert.True(payload.UserAgent.HasManufacturer);
        Assert.Equal("", payload.UserAgent.Manufacturer);
        Assert.True(payload.UserAgent.HasReleaseChannel);
        Assert.Equal("US", payload.UserAgent.LocaleCountryIso31661Alpha2);
        Assert.True(payload.WebInfo.HasWebSubPlatform);
        Assert.Equal(ClientPayload.Types.ConnectType.WifiUnknown, payload.ConnectType);
        Assert.Equal(ClientPayload.Types.ConnectReason.UserActivated, payload.ConnectReason);
    }

    [Fact]
    public void RegistrationPayload_EncodesLikeBaileys()
    {
        var payload = Registration(ByteString.CopyFrom(0x00, 0x00, 0x30, 0x39), SeqBytes(0x90, 16), ByteString.CopyFrom(0x0a, 0x01, 0x58));

        EncodesTo(RegistrationHex, payload);
    }

    [Fact]
    public void RegistrationPayloadFromBaileys_DecodesPairingData()
    {
        var payload = Decode<ClientPayload>(RegistrationHex);

        Assert.True(payload.HasPassive);
        Assert.False(payload.Passive);
        Assert.True(payload.HasPull);
        Assert.False(payload.HasUsername);
        var pairing = payload.DevicePairingData;
        Assert.Equal(new byte[] { 0x00, 0x00, 0x30, 0x39 }, pairing.ERegid.ToByteArray());
        Assert.Equal(new byte[] { 0x05 }, pairing.EKeytype.ToByteArray());
        Assert.Equal(Seq(0x10, 32), pairing.EIdent.ToByteArray());
        Assert.Equal(new byte[] { 0x00, 0x00, 0x01 }, pairing.ESkeyID.ToByteArray());
        Assert.Equal(64, pairing.ESkeySig.Length);
        Assert.Equal("X", DeviceProps.Parser.ParseFrom(pairing.DeviceProps).Os);
    }

    [Fact]
    public void RealisticRegistrationPayload_RoundTripsWithNestedDeviceProps()
    {
        var version = new DeviceProps.Types.AppVersion { Primary = 2, Secondary = 3000, Tertiary = 1045649367 };
        var deviceProps = new DeviceProps
        {
            Os = "SessionCluster",
            Version = version,
            PlatformType = DeviceProps.Types.PlatformType.Chrome,
            RequireFullSync = false,
            HistorySyncConfig = new DeviceProps.Types.HistorySyncConfig
            {
                StorageQuotaMb = 10240,
                InlineInitialPayloadInE2EeMsg = true,
                SupportCallLogHistory = false,
                SupportMessageAssociation = true,
            },
        };
        var buildHash = MD5.HashData(Encoding.ASCII.GetBytes("2.3000.1045649367"));
        var payload = Registration(ByteString.CopyFrom(0x12, 0x34, 0x56, 0x78), ByteString.CopyFrom(buildHash), deviceProps.ToByteString());

        var parsed = RoundTrip(payload);
        var parsedProps = DeviceProps.Parser.ParseFrom(parsed.DevicePairingData.DeviceProps);
        Assert.Equal(deviceProps, parsedProps);
        Assert.Equal(DeviceProps.Types.PlatformType.Chrome, parsedProps.PlatformType);
        Assert.Equal(16, parsed.DevicePairingData.BuildHash.Length);
    }

    [Fact]
    public void DeviceProps_EncodesLikeBaileys_IncludingExplicitFalseAndZero()
    {
        var props = new DeviceProps
        {
            Os = "SessionCluster",
            Version = new DeviceProps.Types.AppVersion { Primary = 0, Secondary = 1, Tertiary = 0 },
            PlatformType = DeviceProps.Types.PlatformType.Desktop,
            RequireFullSync = false,
            HistorySyncConfig = new DeviceProps.Types.HistorySyncConfig
            {
                StorageQuotaMb = 10240,
                InlineInitialPayloadInE2EeMsg = true,
                SupportCallLogHistory = false,
            },
        };

        EncodesTo(DevicePropsHex, props);
        var decoded = Decode<DeviceProps>(DevicePropsHex);
        Assert.True(decoded.HasRequireFullSync);
        Assert.True(decoded.Version.HasPrimary);
        Assert.Equal(DeviceProps.Types.PlatformType.Desktop, decoded.PlatformType);
    }

    [Fact]
    public void PlatformTypeValues_MatchWhatsAppNumbers()
    {
        Assert.Equal(0, (int)DeviceProps.Types.PlatformType.Unknown);
        Assert.Equal(1, (int)DeviceProps.Types.PlatformType.Chrome);
        Assert.Equal(7, (int)DeviceProps.Types.PlatformType.Desktop);
        Assert.Equal(16, (int)DeviceProps.Types.PlatformType.AndroidPhone);
        Assert.Equal(21, (int)DeviceProps.Types.PlatformType.Uwp);
        Assert.Equal(14, (int)UserAgent.Types.Platform.Web);
        Assert.Equal(4, (int)WebInfo.Types.WebSubPlatform.Win32);
    }

    [Fact]
    public void ClientPairingProps_RoundTrips()
    {
        var props = new ClientPairingProps { IsChatDbLidMigrated = true, IsSyncdPureLidSession = false };

        var parsed = RoundTrip(props);
        Assert.True(parsed.HasIsSyncdPureLidSession);
        Assert.False(parsed.HasIsSyncdSnapshotRecoveryEnabled);
    }

    // A registration payload as both clients build it (docs/PROTOCOL.md §3), with fixed pairing keys.
    private static ClientPayload Registration(ByteString registrationId, ByteString buildHash, ByteString deviceProps) => new()
    {
        Passive = false,
        UserAgent = WebUserAgent(),
        WebInfo = new WebInfo { WebSubPlatform = WebInfo.Types.WebSubPlatform.WebBrowser },
        ConnectType = ClientPayload.Types.ConnectType.WifiUnknown,
        ConnectReason = ClientPayload.Types.ConnectReason.UserActivated,
        DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
        {
            ERegid = registrationId,
            EKeytype = ByteString.CopyFrom(0x05),
            EIdent = SeqBytes(0x10, 32),
            ESkeyID = ByteString.CopyFrom(0x00, 0x00, 0x01),
            ESkeyVal = SeqBytes(0x30, 32),
            ESkeySig = SeqBytes(0x50, 64),
            BuildHash = buildHash,
            DeviceProps = deviceProps,
        },
        Pull = false,
    };
}
