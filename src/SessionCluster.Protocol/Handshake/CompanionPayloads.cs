using System.Buffers.Binary;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Protocol.Handshake;

/// <summary>
/// The ClientPayload a companion sends in its ClientFinish (docs/PROTOCOL.md §3): <see cref="Registration"/> while it is not
/// yet linked (the server answers with <c>&lt;pair-device&gt;</c>), <see cref="Login"/> once the phone has linked it. Both
/// carry the fields every connection sets the same way. They return the message, not bytes, so a caller (or a test) can
/// add fields such as <c>pushName</c> before serializing it.
/// </summary>
public static class CompanionPayloads
{
    /// <summary>The registration payload: <c>passive = false</c>, <c>pull = false</c> and <c>devicePairingData</c>.</summary>
    /// <param name="registrationId">The companion's Signal registration id, sent as 4 big-endian bytes.</param>
    /// <param name="identity">The companion's identity key pair; only its public half is sent.</param>
    /// <param name="signedPreKey">The signed prekey; its id must fit the 3 bytes the field has.</param>
    public static ClientPayload Registration(
        uint registrationId,
        KeyPair identity,
        SignedPreKeyRecord signedPreKey,
        CompanionDevice? device = null,
        ClientVersion? version = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(signedPreKey);
        if (signedPreKey.Id > 0xFFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(signedPreKey), signedPreKey.Id, "eSkeyID holds 3 bytes; the signed prekey id must be below 2^24.");
        }

        device ??= CompanionDevice.Default;
        version ??= ClientVersion.Default;
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, registrationId);
        var data = new ClientPayload.Types.DevicePairingRegistrationData
        {
            ERegid = ByteString.CopyFrom(registration),
            EKeytype = ByteString.CopyFrom(SignalPublicKey.DjbType),
            EIdent = ByteString.CopyFrom(identity.PublicKey.Span),
            ESkeyID = ByteString.CopyFrom((byte)(signedPreKey.Id >> 16), (byte)(signedPreKey.Id >> 8), (byte)signedPreKey.Id),
            ESkeyVal = ByteString.CopyFrom(signedPreKey.KeyPair.PublicKey.Span),
            ESkeySig = ByteString.CopyFrom(signedPreKey.Signature.Span),
            BuildHash = ByteString.CopyFrom(version.BuildHash()),
            DeviceProps = new DeviceProps { Os = device.Name, PlatformType = device.Platform }.ToByteString(),
        };
        return Common(new ClientPayload { Passive = false, Pull = false, DevicePairingData = data }, version);
    }

    /// <summary>The login payload of a linked companion: <c>username</c> = the phone number, <c>device</c>, <c>passive</c> and <c>pull</c> set.</summary>
    /// <param name="phone">The account's phone number, digits only (the user part of its JID).</param>
    /// <param name="device">The device number the phone gave this companion when it linked it (1 or more).</param>
    public static ClientPayload Login(string phone, uint device, ClientVersion? version = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(phone);
        if (!phone.All(char.IsAsciiDigit) || !ulong.TryParse(phone, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var username))
        {
            throw new ArgumentException("The phone number must be digits only and fit 64 bits.", nameof(phone));
        }

        if (device == 0)
        {
            // Device 0 is the phone itself; a companion always has the number the phone gave it.
            throw new ArgumentOutOfRangeException(nameof(device), device, "A companion's device number is 1 or more.");
        }

        return Common(new ClientPayload { Username = username, Device = device, Passive = true, Pull = true }, version ?? ClientVersion.Default);
    }

    private static ClientPayload Common(ClientPayload payload, ClientVersion version)
    {
        payload.UserAgent = new ClientPayload.Types.UserAgent
        {
            Platform = ClientPayload.Types.UserAgent.Types.Platform.Web,
            ReleaseChannel = ClientPayload.Types.UserAgent.Types.ReleaseChannel.Release,
            AppVersion = version.ToProto(),
            Mcc = "000",
            Mnc = "000",
            OsVersion = "0.1",
            Device = "Desktop",
            OsBuildNumber = "0.1",
            LocaleLanguageIso6391 = "en",
            LocaleCountryIso31661Alpha2 = "US",
        };
        payload.WebInfo = new ClientPayload.Types.WebInfo { WebSubPlatform = ClientPayload.Types.WebInfo.Types.WebSubPlatform.WebBrowser };
        payload.ConnectType = ClientPayload.Types.ConnectType.WifiUnknown;
        payload.ConnectReason = ClientPayload.Types.ConnectReason.UserActivated;
        return payload;
    }
}
