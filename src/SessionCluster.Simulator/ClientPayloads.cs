using System.Buffers.Binary;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.Client;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Simulator;

/// <summary>
/// The ClientPayload a client sends in its ClientFinish (docs/PROTOCOL.md §3), read into what the server acts on:
/// a <see cref="RegistrationRequest"/> (a new companion with devicePairingData) or a <see cref="LoginRequest"/>
/// (username + device). Anything else is a <see cref="ClientPayloadException"/> carrying the failure reason.
/// </summary>
internal static class ClientPayloads
{
    /// <summary>Parses and checks the payload; the keys in devicePairingData are verified, not just measured.</summary>
    /// <exception cref="ClientPayloadException">The payload is malformed or inconsistent.</exception>
    public static ClientHelloRequest Parse(ReadOnlySpan<byte> payloadBytes)
    {
        ClientPayload payload;
        try
        {
            payload = ClientPayload.Parser.ParseFrom(payloadBytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ClientPayloadException($"The ClientPayload is not a valid protobuf: {e.Message}");
        }

        if (payload.UserAgent is null)
        {
            throw new ClientPayloadException("The ClientPayload has no userAgent.");
        }

        if (payload.DevicePairingData is { } pairing)
        {
            if (payload.HasUsername)
            {
                throw new ClientPayloadException("The ClientPayload carries both devicePairingData and a username.");
            }

            return ReadRegistration(pairing, payload.PushName);
        }

        if (!payload.HasUsername || payload.Username == 0)
        {
            throw new ClientPayloadException("The ClientPayload has neither devicePairingData nor a username.");
        }

        if (!payload.HasDevice || payload.Device is 0 or > ushort.MaxValue)
        {
            // Device 0 is the phone itself, played by the simulator; a companion logs in with the id it was given.
            throw new ClientPayloadException("A companion login needs a device number between 1 and 65535.");
        }

        return new LoginRequest(payload.Username.ToString(System.Globalization.CultureInfo.InvariantCulture), (int)payload.Device, payload.Passive, payload.PushName);
    }

    private static RegistrationRequest ReadRegistration(ClientPayload.Types.DevicePairingRegistrationData data, string? pushName)
    {
        Require(data.ERegid, 4, "eRegid");
        Require(data.EKeytype, 1, "eKeytype");
        if (data.EKeytype[0] != SignalPublicKey.DjbType)
        {
            throw new ClientPayloadException($"eKeytype is 0x{data.EKeytype[0]:x2}; only 0x05 (Curve25519) exists.");
        }

        Require(data.EIdent, Curve25519.KeySize, "eIdent");
        Require(data.ESkeyID, 3, "eSkeyID");
        Require(data.ESkeyVal, Curve25519.KeySize, "eSkeyVal");
        Require(data.ESkeySig, XEdDsa.SignatureSize, "eSkeySig");
        Require(data.BuildHash, 16, "buildHash (MD5 of the version)");
        if (!SignedPreKeyRecord.VerifySignature(data.EIdent.Span, data.ESkeyVal.Span, data.ESkeySig.Span))
        {
            throw new ClientPayloadException("eSkeySig is not the identity key's XEdDSA signature over 0x05 || eSkeyVal.");
        }

        DeviceProps props;
        try
        {
            props = DeviceProps.Parser.ParseFrom(data.DeviceProps);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ClientPayloadException($"deviceProps is not a DeviceProps protobuf: {e.Message}");
        }

        var skeyId = PreKeyIds.Decode(data.ESkeyID.Span);
        return new RegistrationRequest(
            BinaryPrimitives.ReadUInt32BigEndian(data.ERegid.Span),
            data.EIdent.ToByteArray(),
            new Accounts.SignedPreKey(skeyId, data.ESkeyVal.ToByteArray(), data.ESkeySig.ToByteArray()),
            props,
            pushName);
    }

    private static void Require(ByteString value, int length, string field)
    {
        if (value.Length != length)
        {
            throw new ClientPayloadException($"devicePairingData.{field} is {value.Length} bytes; it must be {length}.");
        }
    }
}

/// <summary>What a ClientFinish asked for.</summary>
internal abstract record ClientHelloRequest;

/// <summary>A new companion: the keys it registers (checked) and its DeviceProps.</summary>
internal sealed record RegistrationRequest(
    uint RegistrationId,
    ReadOnlyMemory<byte> IdentityKey,
    Accounts.SignedPreKey SignedPreKey,
    DeviceProps DeviceProps,
    string? PushName) : ClientHelloRequest
{
    /// <summary>The platform name the server reports in pair-success (DeviceProps.platformType, lower case).</summary>
    public string Platform => DeviceProps.PlatformType.ToString().ToLowerInvariant();
}

/// <summary>A paired companion logging in.</summary>
internal sealed record LoginRequest(string Phone, int Device, bool Passive, string? PushName) : ClientHelloRequest;

/// <summary>The ClientPayload cannot be acted on; the server answers <c>&lt;failure reason="400"/&gt;</c>.</summary>
internal sealed class ClientPayloadException(string message) : Exception(message)
{
    /// <summary>The failure reason sent to the client (docs/PROTOCOL.md §3: 400 = generic).</summary>
    public int FailureReason => 400;
}
